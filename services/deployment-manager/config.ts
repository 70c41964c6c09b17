// The deployment manager's settings, read from the environment in one place (all set by the stack:
// table names as terraform/tables.ts names their variables, CARIBOU_SYSTEM_REGION).
import { requireEnv } from '../../shared/config/env.js';

export interface DeploymentManagerConfig {
  workflowsTable: string;
  collectorDataTable: string;
  solverStagingTable: string;
  workflowSummariesTable: string;
  idempotencyTable: string;
  /** Region key of the control plane ("aws:<CARIBOU_SYSTEM_REGION>"). */
  systemRegion: string;
}

export function configFromEnv(env: NodeJS.ProcessEnv = process.env): DeploymentManagerConfig {
  return {
    workflowsTable: requireEnv('CARIBOU_WORKFLOWS_TABLE', env),
    collectorDataTable: requireEnv('CARIBOU_COLLECTOR_DATA_TABLE', env),
    solverStagingTable: requireEnv('CARIBOU_SOLVER_STAGING_TABLE', env),
    workflowSummariesTable: requireEnv('CARIBOU_WORKFLOW_SUMMARIES_TABLE', env),
    idempotencyTable: requireEnv('CARIBOU_IDEMPOTENCY_TABLE', env),
    systemRegion: `aws:${requireEnv('CARIBOU_SYSTEM_REGION', env)}`,
  };
}
