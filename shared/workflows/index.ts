// The workflow client for the control plane: what the action router's `run` and `remove` actions
// call (RouterDeps.workflows), and what the migrator reuses to deploy a function to a new region.
import { runWorkflow, type RunRequest, type RunStarted } from './run.js';
import { removeWorkflow, type RemoveResult } from './remove.js';
import { workflowDepsFromEnv, type WorkflowDeps } from './env.js';

export { runWorkflow, removeWorkflow };
export type { RunRequest, RunStarted, RemoveResult, WorkflowDeps };
export { deployFunctionRegion, removeFunctionRegion, runtimePolicy } from './resources.js';
export { runtimeEnvironment, artifactKey } from './deploy.js';
export { readPlacement, writePlacement } from './placement-store.js';
export type { WorkflowRecord, DeployedFunctionResources } from './record.js';

export interface WorkflowClient {
  run(request: { workflowId: string; argument?: unknown }): Promise<{ runId: string }>;
  remove(request: { workflowId: string }): Promise<void>;
}

/** For a Lambda whose env carries the control-plane names (CARIBOU_*_TABLE, CARIBOU_ARTIFACTS_BUCKET). */
export function workflowClientFromEnv(env: NodeJS.ProcessEnv = process.env, deps: WorkflowDeps = workflowDepsFromEnv(() => undefined, env)): WorkflowClient {
  return {
    run: (request) => runWorkflow({ ...request, requestSource: 'action-router' }, deps),
    remove: async (request) => {
      await removeWorkflow(request, deps);
    },
  };
}
