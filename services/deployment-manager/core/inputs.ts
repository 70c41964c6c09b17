// The solver input of a workflow from the collected documents, with the deployed config as the
// authority on where instances may run and on the constraints (the workflow document may be older
// than the last `caribou deploy`).
import type { WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import { buildSolverInputFromCollected, instanceRulesFromDag, type DroppedRegion } from '../../../shared/solver/index.js';
import type { Constraint, Constraints, MetricName, SolverInput } from '../../../shared/solver/types.js';
import type { WorkflowConfig } from '../../../shared/analysis/config.js';
import type { DeploymentManagerPorts, ManagedWorkflow } from './ports.js';

const METRICS: MetricName[] = ['carbon', 'runtime', 'cost'];

/** config.yml constraints → the solver's (null/absent constraints never bind). */
export function constraintsFromConfig(config: WorkflowConfig | undefined, fallback: Constraints): Constraints {
  const c = config?.constraints;
  if (!c) return fallback;
  const read = (set: Partial<Record<MetricName, { type: 'absolute' | 'relative'; value: number } | null>> | undefined) => {
    const out: Partial<Record<MetricName, Constraint>> = {};
    for (const m of METRICS) {
      const v = set?.[m];
      if (v) out[m] = { type: v.type, value: v.value };
    }
    return out;
  };
  const order = [...new Set(c.priority_order ?? [])];
  for (const m of fallback.priorityOrder.length ? fallback.priorityOrder : METRICS) if (!order.includes(m)) order.push(m);
  return { hard: read(c.hard_resource_constraints), soft: read(c.soft_resource_constraints), priorityOrder: order };
}

export interface LoadedInput {
  input: SolverInput;
  dropped: DroppedRegion[];
}

export async function solverInputFor(ports: DeploymentManagerPorts, record: ManagedWorkflow, workflow: WorkflowDocument): Promise<LoadedInput> {
  const regionDocs = await ports.collected.regionDocuments();
  const { input, dropped } = buildSolverInputFromCollected({
    ...regionDocs,
    workflow,
    systemRegion: ports.systemRegion,
    instanceRules: instanceRulesFromDag(record.dag),
  });
  input.constraints = constraintsFromConfig(record.config, input.constraints);
  return { input, dropped };
}
