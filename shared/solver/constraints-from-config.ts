// config.yml's `constraints` → the solver's Constraints, read one way by the deployment manager (the
// deployed config is the authority) and by the workflow document built from a run summary. Null or
// absent constraints never bind; the priority order is completed with the metrics it leaves out.
import type { Constraint, Constraints, MetricName } from './types.js';

export const CONSTRAINT_METRICS: readonly MetricName[] = ['carbon', 'runtime', 'cost'];

type ConfigConstraintSet = Partial<Record<MetricName, { type: 'absolute' | 'relative'; value: number } | null>>;

/** The `constraints` block of config.yml (shared/analysis/config.ts). */
export interface ConfigConstraints {
  hard_resource_constraints?: ConfigConstraintSet;
  soft_resource_constraints?: ConfigConstraintSet;
  priority_order?: readonly MetricName[];
}

function read(set: ConfigConstraintSet | undefined): Partial<Record<MetricName, Constraint>> {
  const out: Partial<Record<MetricName, Constraint>> = {};
  for (const m of CONSTRAINT_METRICS) {
    const v = set?.[m];
    if (v) out[m] = { type: v.type, value: v.value };
  }
  return out;
}

/** `fillOrder`: the order in which metrics missing from priority_order are appended. */
export function constraintsFromConfig(
  c: ConfigConstraints | undefined,
  fillOrder: readonly MetricName[] = CONSTRAINT_METRICS,
): Constraints {
  const priorityOrder = [...new Set(c?.priority_order ?? [])];
  for (const m of fillOrder) if (!priorityOrder.includes(m)) priorityOrder.push(m);
  return { hard: read(c?.hard_resource_constraints), soft: read(c?.soft_resource_constraints), priorityOrder };
}
