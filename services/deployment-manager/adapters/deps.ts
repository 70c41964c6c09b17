// Wires the deployment manager's ports to AWS (tables named by the environment). Built once per container.
import { clients } from '../../../shared/aws/clients.js';
import { taskDispatcherFromEnv } from '../../../shared/orchestrator/from-env.js';
import { CollectedDataReader } from '../../../shared/stores/collected-reader.js';
import type { DeploymentManagerPorts } from '../core/ports.js';
import type { DeploymentManagerConfig } from '../config.js';
import { DynamoStaging } from './staging.js';
import { collectWorkflowFromSummary } from './workflow-collector.js';
import { DynamoWorkflows } from './workflows.js';

export function portsFromConfig(
  config: DeploymentManagerConfig,
  remainingMs: () => number,
  env: NodeJS.ProcessEnv = process.env,
): DeploymentManagerPorts {
  const doc = clients.doc();
  const collected = new CollectedDataReader(doc, config.collectorDataTable);
  return {
    workflows: new DynamoWorkflows(doc, config.workflowsTable),
    collected,
    collectWorkflow: collectWorkflowFromSummary(
      doc,
      collected,
      { workflows: config.workflowsTable, summaries: config.workflowSummariesTable, collectorData: config.collectorDataTable },
      () => new Date(),
    ),
    staging: new DynamoStaging(doc, config.solverStagingTable),
    dispatcher: taskDispatcherFromEnv(env),
    systemRegion: config.systemRegion,
    now: () => new Date(),
    remainingMs,
  };
}
