// The deployment manager's core: one entry per internal event type it consumes.
import type { InternalActionMessage } from '../../../shared/contracts/internal.js';
import { ValidationError } from '../../../shared/errors.js';
import { checkWorkflow } from './check-workflow.js';
import type { DeploymentManagerPorts } from './ports.js';
import { runDeploymentAlgorithm } from './run-algorithm.js';

export type { DeploymentManagerPorts } from './ports.js';
export * from './budget.js';
export { checkWorkflow } from './check-workflow.js';
export { runDeploymentAlgorithm, solveBudgetS } from './run-algorithm.js';

export const CONSUMED_TYPES = ['check_workflow', 'run_deployment_algorithm'] as const;

export async function processMessage(ports: DeploymentManagerPorts, message: InternalActionMessage): Promise<unknown> {
  if (message.type === 'check_workflow') {
    const m = message as InternalActionMessage<'check_workflow'>;
    return checkWorkflow(ports, m.event, m.meta);
  }
  if (message.type === 'run_deployment_algorithm') {
    const m = message as InternalActionMessage<'run_deployment_algorithm'>;
    return runDeploymentAlgorithm(ports, m.event, m.meta);
  }
  throw new ValidationError(`the deployment manager does not consume ${message.type}`);
}
