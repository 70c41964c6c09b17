// Without -r, an action runs through the router core in this process, against the control-plane
// tables named by the environment (same answers as the deployed router).
import { clients } from '../../shared/aws/clients.js';
import { scanCleanupDueWorkflowIds, scanHashKeys } from '../../shared/stores/table-keys.js';
import { CARIBOU_VERSION } from '../../shared/version.js';
import { isAvailable } from '../../services/action-router/deps.js';
import { routeAction, type Answer, type RouterDeps } from '../../services/action-router/core.js';
import { tableName } from './context.js';
import { TaskDispatcher } from '../../shared/orchestrator/dispatcher.js';
import { DynamoTaskStore } from '../../shared/orchestrator/task-store.js';

export function localRouterDeps(): RouterDeps {
  const doc = clients.doc();
  return {
    version: CARIBOU_VERSION,
    listWorkflowIds: () => scanHashKeys(doc, tableName('workflows'), 'workflow_id'),
    listStagedWorkflowIds: () => scanHashKeys(doc, tableName('solver-staging'), 'workflow_id'),
    listCleanupDueWorkflowIds: () => scanCleanupDueWorkflowIds(doc, tableName('workflows')),
    isAvailable,
    // No nudge from an operator's machine: the orchestrator's 1-minute schedule picks the tasks up.
    dispatcher: new TaskDispatcher({ store: new DynamoTaskStore(doc, { tasks: tableName('tasks') }) }),
  };
}

export function routeLocally(payload: Record<string, unknown>, deps: RouterDeps = localRouterDeps()): Promise<Answer> {
  return routeAction(payload, deps);
}
