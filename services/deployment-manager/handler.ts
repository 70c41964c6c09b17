// deployment-manager: consumes check_workflow and run_deployment_algorithm (core/), as every labourer
// does (shared/labourer/consumer.ts: idempotency per task, outcome reported to the orchestrator).
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { dynamoPersistence } from '../../shared/guards/idempotency.js';
import { labourerHandler } from '../../shared/labourer/consumer.js';
import { taskReporter } from '../../shared/orchestrator/worker-assistant.js';
import { workerAssistantFromEnv } from '../../shared/orchestrator/from-env.js';
import { portsFromConfig } from './adapters/deps.js';
import { configFromEnv } from './config.js';
import { CONSUMED_TYPES, processMessage, type DeploymentManagerPorts } from './core/index.js';

const logger = new Logger({ serviceName: 'caribou-deployment-manager' });
let invocation: Context | undefined; // the solver's time budget comes from this invocation's remaining time
let consume: ReturnType<typeof labourerHandler> | undefined;

function build(): ReturnType<typeof labourerHandler> {
  const config = configFromEnv();
  const ports: DeploymentManagerPorts = portsFromConfig(config, () => invocation?.getRemainingTimeInMillis() ?? 60_000);
  return labourerHandler({
    service: 'deployment-manager',
    types: CONSUMED_TYPES,
    process: (message) => processMessage(ports, message),
    persistence: dynamoPersistence(config.idempotencyTable),
    reporter: taskReporter(workerAssistantFromEnv()),
    logger,
  });
}

export async function handler(event: SQSEvent, context: Context) {
  invocation = context;
  consume ??= build();
  return consume(event, context);
}
