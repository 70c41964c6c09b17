// The router's workflow client (run, remove). Kept apart from the deployer so the router's bundle
// does not carry esbuild, the TypeScript compiler or the YAML parser.
import { runWorkflow } from './run.js';
import { removeWorkflow } from './remove.js';
import { workflowDepsFromEnv, type WorkflowDeps } from './env.js';

export interface WorkflowClient {
  run(request: { workflowId: string; argument?: unknown }): Promise<{ runId: string }>;
  remove(request: { workflowId: string }): Promise<void>;
}

/** For a Lambda whose env carries the control-plane names (CARIBOU_*_TABLE, CARIBOU_ARTIFACTS_BUCKET). */
export function workflowClientFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  deps: WorkflowDeps = workflowDepsFromEnv(() => undefined, env),
): WorkflowClient {
  return {
    run: (request) => runWorkflow({ ...request, requestSource: 'action-router' }, deps),
    remove: async (request) => {
      await removeWorkflow(request, deps);
    },
  };
}
