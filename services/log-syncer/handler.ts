// log-syncer: consumes sync_workflow tasks (shared/labourer/consumer.ts) and syncs one workflow's
// runtime logs into its summary (core/sync.ts, docs/log-syncer.md).
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { labourerHandler } from '../../shared/labourer/consumer.js';
import { dynamoPersistence } from '../../shared/guards/idempotency.js';
import { workerAssistantFromEnv } from '../../shared/orchestrator/from-env.js';
import { taskReporter } from '../../shared/orchestrator/worker-assistant.js';
import { logSyncerConfig } from './config.js';
import { logSyncer } from './service.js';

const logger = new Logger({ serviceName: 'caribou-log-syncer' });
const config = logSyncerConfig();
const sync = logSyncer(config);
// The labourer consumer does not pass the Lambda context on: keep the current one for the time budget.
let current: Context | undefined;

const consume = labourerHandler({
  service: 'log-syncer',
  types: ['sync_workflow'],
  persistence: dynamoPersistence(config.idempotencyTable),
  reporter: taskReporter(workerAssistantFromEnv()),
  logger,
  process: async (message) => {
    const result = await sync(message, () => current?.getRemainingTimeInMillis() ?? 900_000);
    logger.info('sync_workflow done', { result });
    return result;
  },
});

export const handler = async (event: SQSEvent, context: Context) => {
  current = context;
  return consume(event, context);
};
