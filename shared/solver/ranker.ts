// Hard-constraint filter (tail values) and the ranker (soft-constraint violations, then the
// averages in priority order), caribou-spec §7.2 and §7.4.
import type { Constraint, Constraints, MetricName, PlanMetrics } from './types.js';

export function limitOf(c: Constraint, homeValue: number): number {
  // Relative limits are percentages of the home deployment's value (the Python code's reading).
  return c.type === 'absolute' ? c.value : (c.value * homeValue) / 100;
}

/** True when any hard constraint fails on the 95th-percentile ("tail") metrics. */
export function failsHardConstraints(m: PlanMetrics, home: PlanMetrics, hard: Constraints['hard']): boolean {
  for (const [metric, c] of Object.entries(hard) as Array<[MetricName, Constraint | undefined]>) {
    if (!c) continue;
    const key = `tail_${metric}` as const;
    if (m[key] > limitOf(c, home[key])) return true;
  }
  return false;
}

/** Number of soft constraints violated by the averages. */
export function softViolations(m: PlanMetrics, home: PlanMetrics, soft: Constraints['soft']): number {
  let n = 0;
  for (const [metric, c] of Object.entries(soft) as Array<[MetricName, Constraint | undefined]>) {
    if (!c) continue;
    const key = `average_${metric}` as const;
    if (m[key] > limitOf(c, home[key])) n++;
  }
  return n;
}

export interface Candidate {
  placement: number[];
  metrics: PlanMetrics;
  /**
   * Found by the coarse pass (one region for all, the per-function plans): chosen by the
   * objective, not by its search-time tails, so those tails are not biased low by the selection.
   */
  coarse?: true;
}

/** Candidates best first: fewer soft violations, then lexicographic on the priority averages; stable. */
export function rankCandidates<C extends Candidate>(candidates: C[], home: PlanMetrics, constraints: Constraints): C[] {
  const keyed = candidates.map((c, i) => ({ c, i, v: softViolations(c.metrics, home, constraints.soft) }));
  const keys = constraints.priorityOrder.map((metric) => `average_${metric}` as const);
  keyed.sort((a, b) => {
    if (a.v !== b.v) return a.v - b.v;
    // By index: the comparator runs thousands of times per hour, often before it is optimized.
    for (let m = 0; m < keys.length; m++) {
      const key = keys[m]!;
      const d = a.c.metrics[key] - b.c.metrics[key];
      if (d !== 0) return d;
    }
    return a.i - b.i;
  });
  return keyed.map((k) => k.c);
}
