// Thin Lambda handler of the orchestrator. Every trigger — the rate(1 minute) schedule's message, a
// nudge after tasks were created or reported, a direct invoke — runs one cycle (scavenger, then
// release) for every labourer (trigger.ts). Queue messages are only triggers: the records of a batch
// share one cycle and are always consumed (the tables hold all state; the next minute retries
// whatever failed), through the one SQS consumer shape (shared/aws/sqs-consumer.ts).
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { isSqsEvent } from '../../shared/aws/sqs-envelope.js';
import { consumeSqsBatch } from '../../shared/aws/sqs-consumer.js';
import { runTriggeredCycle, type OrchestratorAnswer } from './trigger.js';

export type { OrchestratorAnswer };

const logger = new Logger({ serviceName: 'caribou-orchestrator' });

export async function handler(event: unknown, context: Context): Promise<SQSBatchResponse | OrchestratorAnswer> {
  logger.addContext(context);
  if (!isSqsEvent(event)) return runTriggeredCycle(logger, context, 'invoke');
  const trigger = `sqs(${event.Records.length})`;
  let cycle: Promise<OrchestratorAnswer> | undefined;
  // runTriggeredCycle answers instead of throwing, so every record of the batch is consumed.
  return consumeSqsBatch(event, context, async () => void (await (cycle ??= runTriggeredCycle(logger, context, trigger))));
}
