// Wires the router core to AWS: the tables named in the environment, and the service manifest's
// availability. Built once per container (lazily) and reused across invocations.
import { clients } from '../../shared/aws/clients.js';
import { requireTableName } from '../../shared/config/control-plane.js';
import { scanCleanupDueWorkflowIds, scanHashKeys } from '../../shared/stores/table-keys.js';
import { CARIBOU_VERSION } from '../../shared/version.js';
import type { LabourerId } from '../../shared/contracts/internal.js';
import { SERVICES } from '../../shared/manifest/services.js';
import { workflowClientFromEnv } from '../../shared/workflows/client.js';
import { taskDispatcherFromEnv } from '../../shared/orchestrator/from-env.js';
import type { RouterDeps } from './core.js';

export function isAvailable(labourer: LabourerId): boolean {
  return SERVICES.some((s) => s.id === labourer && s.status === 'available');
}

export function routerDepsFromEnv(env: NodeJS.ProcessEnv = process.env): RouterDeps {
  const doc = clients.doc();
  return {
    version: CARIBOU_VERSION,
    listWorkflowIds: () => scanHashKeys(doc, requireTableName('workflows', env), 'workflow_id'),
    listStagedWorkflowIds: () => scanHashKeys(doc, requireTableName('solver-staging', env), 'workflow_id'),
    listCleanupDueWorkflowIds: () => scanCleanupDueWorkflowIds(doc, requireTableName('workflows', env)),
    isAvailable,
    dispatcher: taskDispatcherFromEnv(env),
    workflows: workflowClientFromEnv(env),
  };
}
