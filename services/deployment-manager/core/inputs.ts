// The solver input of a workflow from the collected documents, with the deployed config as the
// authority on where instances may run and on the constraints (the workflow document may be older
// than the last `caribou deploy`).
import type { WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import { buildSolverInputFromCollected, instanceRulesFromDag, type DroppedRegion } from '../../../shared/solver/index.js';
import type { Constraints, SolverInput } from '../../../shared/solver/types.js';
import { CONSTRAINT_METRICS, constraintsFromConfig } from '../../../shared/solver/constraints-from-config.js';
import type { WorkflowConfig } from '../../../shared/analysis/config.js';
import type { DeploymentManagerPorts, ManagedWorkflow } from './ports.js';

/** config.yml constraints → the solver's; without a constraints block the collected document's stand. */
export function constraintsFromDeployedConfig(config: WorkflowConfig | undefined, fallback: Constraints): Constraints {
  const c = config?.constraints;
  if (!c) return fallback;
  return constraintsFromConfig(c, fallback.priorityOrder.length ? fallback.priorityOrder : CONSTRAINT_METRICS);
}

export interface LoadedInput {
  input: SolverInput;
  dropped: DroppedRegion[];
}

export async function solverInputFor(
  ports: DeploymentManagerPorts,
  record: ManagedWorkflow,
  workflow: WorkflowDocument,
): Promise<LoadedInput> {
  const regionDocs = await ports.collected.regionDocuments();
  const { input, dropped } = buildSolverInputFromCollected({
    ...regionDocs,
    workflow,
    systemRegion: ports.systemRegion,
    instanceRules: instanceRulesFromDag(record.dag),
  });
  input.constraints = constraintsFromDeployedConfig(record.config, input.constraints);
  return { input, dropped };
}
