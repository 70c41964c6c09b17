// Thin Lambda handler of the migrator: one re_deploy_workflow task per message (labourerHandler).
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { labourerHandler } from '../../shared/labourer/consumer.js';
import { dynamoPersistence } from '../../shared/guards/idempotency.js';
import { taskReporter } from '../../shared/orchestrator/worker-assistant.js';
import { workerAssistantFromEnv } from '../../shared/orchestrator/from-env.js';
import { workflowDepsFromEnv } from '../../shared/workflows/env.js';
import { reDeployWorkflow, type MigratorDeps } from './core/migrate.js';
import { AwsRegionDeployer } from './adapters/deployer.js';
import { DynamoMigratorStore } from './adapters/store.js';
import { migratorConfigFromEnv } from './config.js';

const logger = new Logger({ serviceName: 'caribou-migrator' });
let handle: ReturnType<typeof labourerHandler> | undefined;

function build(): ReturnType<typeof labourerHandler> {
  const config = migratorConfigFromEnv();
  const workflows = workflowDepsFromEnv((line) => logger.info(line));
  const deps: MigratorDeps = {
    store: new DynamoMigratorStore(workflows.clients.doc(workflows.controlPlane.region), workflows.controlPlane),
    deployer: new AwsRegionDeployer(workflows),
    log: { info: (m, f) => logger.info(m, f ?? {}), warn: (m, f) => logger.warn(m, f ?? {}) },
    now: () => new Date(),
    newOwner: randomUUID,
    graceS: config.cleanupGraceS,
    lockLeaseS: config.lockLeaseS,
  };
  return labourerHandler({
    service: 'migrator',
    types: ['re_deploy_workflow'],
    process: (message) => reDeployWorkflow((message.event as { workflow_id: string }).workflow_id, deps),
    persistence: dynamoPersistence(config.idempotencyTable),
    reporter: taskReporter(workerAssistantFromEnv()),
    logger,
  });
}

export const handler = (event: SQSEvent, context: Context) => (handle ??= build())(event, context);
