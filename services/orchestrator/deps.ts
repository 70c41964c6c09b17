// Wires the orchestrator's cycle to AWS from the function's environment: the three task tables,
// the bus, CloudWatch for ecology, and the config (defaults + CARIBOU_ORCHESTRATOR_CONFIG).
import { clients } from '../../shared/aws/clients.js';
import { requireEnv } from '../../shared/config/env.js';
import { configFromEnv } from '../../shared/orchestrator/config.js';
import type { CycleDeps } from './core/cycle.js';
import { CloudWatchMetricReader } from './adapters/cloudwatch-metrics.js';
import { taskStoreFromEnv } from '../../shared/orchestrator/from-env.js';
import { EventBridgeReleaser } from './adapters/eventbridge-releaser.js';

export type StaticDeps = Omit<CycleDeps, 'owner' | 'log' | 'deadlineMs'>;

export function orchestratorDepsFromEnv(env: NodeJS.ProcessEnv = process.env): StaticDeps {
  return {
    config: configFromEnv(env),
    store: taskStoreFromEnv(env),
    releaser: new EventBridgeReleaser(clients.events(), requireEnv('CARIBOU_EVENT_BUS_NAME', env)),
    metrics: new CloudWatchMetricReader(clients.cloudwatch()),
    now: () => Date.now() / 1000,
  };
}
