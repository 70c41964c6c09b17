// data-collectors: consumes collect_data tasks (provider, carbon, performance, workflow) released by
// the orchestrator, runs the collector within the Lambda's remaining time and reports the result.
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { labourerHandler } from '../../shared/labourer/consumer.js';
import { dynamoPersistence } from '../../shared/guards/idempotency.js';
import { requireEnv } from '../../shared/config/env.js';
import { workerAssistantFromEnv } from '../../shared/orchestrator/from-env.js';
import { taskReporter } from '../../shared/orchestrator/worker-assistant.js';
import type { InternalEventOf } from '../../shared/contracts/actions.js';
import { reportLogFields, runCollector, type CollectorDeps } from './core/collect.js';
import { collectorDepsFromEnv, summaryWorkflowBuilder } from './deps.js';

const logger = new Logger({ serviceName: 'caribou-data-collectors' });
/** Stop starting retries this long before the Lambda's timeout, so the report still goes out. */
const SAFETY_MARGIN_MS = 30_000;
let deps: CollectorDeps | undefined;
let deadlineMs = 0;

const consume = labourerHandler({
  service: 'data-collectors',
  types: ['collect_data'],
  persistence: dynamoPersistence(requireEnv('CARIBOU_IDEMPOTENCY_TABLE')),
  reporter: taskReporter(workerAssistantFromEnv()),
  logger,
  process: async (message) => {
    deps ??= collectorDepsFromEnv(summaryWorkflowBuilder);
    const report = await runCollector(message.event as InternalEventOf<'collect_data'>, deps, deadlineMs);
    logger.info('collector finished', reportLogFields(report));
    return { ...report, written: report.written.length };
  },
});

export async function handler(event: SQSEvent, context: Context) {
  deadlineMs = Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS;
  return consume(event, context);
}
