// The workflow client for the control plane: what the action router's `run` and `remove` actions
// call (RouterDeps.workflows), and what the migrator reuses to deploy a function to a new region.
import { runWorkflow, type RunRequest, type RunStarted } from './run.js';
import { removeWorkflow, type RemoveResult } from './remove.js';
import type { WorkflowDeps } from './env.js';

export { runWorkflow, removeWorkflow };
export type { RunRequest, RunStarted, RemoveResult, WorkflowDeps };
export { deployFunctionRegion, removeFunctionRegion, runtimePolicy } from './resources.js';
export { artifactKey } from './deploy.js';
export { runtimeEnvironment } from './runtime-env.js';
export { readPlacement, writePlacement } from './placement-store.js';
export type { WorkflowRecord, DeployedFunctionResources } from './record.js';

export { workflowClientFromEnv, type WorkflowClient } from './client.js';
