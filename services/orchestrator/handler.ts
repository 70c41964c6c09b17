// Thin Lambda handler of the orchestrator. Every trigger — the rate(1 minute) schedule's message, a
// nudge after tasks were created or reported, a direct invoke — runs one cycle (scavenger, then
// release) for every labourer. Queue messages are only triggers: a batch of them runs one cycle and
// is always consumed (the tables hold all state; the next minute retries whatever failed).
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { runCycle, type CycleLog, type CycleStats } from './core/cycle.js';
import { ValidationError } from '../../shared/errors.js';
import { isSqsEvent } from '../../shared/aws/sqs-envelope.js';
import { orchestratorDepsFromEnv, type StaticDeps } from './deps.js';

const logger = new Logger({ serviceName: 'caribou-orchestrator' });
const cycleLog: CycleLog = {
  info: (message, extra) => logger.info(message, extra ?? {}),
  warn: (message, extra) => logger.warn(message, extra ?? {}),
  error: (message, extra) => logger.error(message, extra ?? {}),
};
let deps: StaticDeps | undefined;

/** Stop starting labourers this long before the Lambda's timeout. */
const SAFETY_MARGIN_MS = 10_000;

export type OrchestratorAnswer = { status: 200; stats: CycleStats } | { status: 400 | 500; message: string };

export async function handler(event: unknown, context: Context): Promise<SQSBatchResponse | OrchestratorAnswer> {
  logger.addContext(context);
  const viaQueue = isSqsEvent(event);
  let answer: OrchestratorAnswer;
  try {
    deps ??= orchestratorDepsFromEnv();
    const stats = await runCycle({
      ...deps,
      owner: context.awsRequestId,
      log: cycleLog,
      deadlineMs: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    });
    logger.info('orchestrator cycle', { trigger: viaQueue ? `sqs(${(event as SQSEvent).Records.length})` : 'invoke', stats });
    answer = { status: 200, stats };
  } catch (error) {
    // A bad config or a missing env var: loud in the logs, and the messages are not retried into the DLQ.
    const status = error instanceof ValidationError ? 400 : 500;
    logger.error('orchestrator cycle failed', { error: (error as Error).message, stack: (error as Error).stack });
    answer = { status, message: (error as Error).message };
  }
  return viaQueue ? { batchItemFailures: [] } : answer;
}
