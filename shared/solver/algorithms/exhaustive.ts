// Exhaustive search: every combination of permitted regions evaluated on the finalists' common
// draws (guarantee.ts) with the same hard-constraint bounds and ranker as solveHour, so its result
// is the true optimum under the model for those draws. Exponential: a yardstick for the heuristics
// on small workflows (tests), refused above a limit.
import { ValidationError } from '../../errors.js';
import { FINE_GRAINED_MAX_DEPLOYMENTS } from '../constants.js';
import { GUARANTEE_DEFAULTS, hardViolation, relativeMetrics, verifierFor, type VerifiedMetrics } from '../guarantee.js';
import type { PreparedModel } from '../model.js';
import { rankCandidates } from '../ranker.js';
import type { Constraints, DeploymentMetricsCalculator, PlanMetrics } from '../types.js';
import { deploymentCount } from './fine.js';

export interface ExhaustiveParams {
  hour: number;
  seed: number;
  constraints: Constraints;
  /** Common draws per deployment (default GUARANTEE_DEFAULTS.samples, as solveHour's finalists). */
  verifySamples?: number;
  limit?: number;
}

export interface ExhaustiveResult {
  /** Best compliant deployment, or undefined when none meets the hard constraints. */
  best?: { placement: number[]; metrics: PlanMetrics };
  homeMetrics: PlanMetrics;
  deployments: number;
  compliant: number;
}

/** Calls `visit` with every placement of the permitted sets (the array is reused). */
export function forEachPlacement(permitted: number[][], visit: (placement: number[]) => void): void {
  const N = permitted.length;
  const digits = new Array<number>(N).fill(0);
  const placement = permitted.map((p) => p[0]!);
  const total = deploymentCount(permitted);
  for (let n = 0; n < total; n++) {
    visit(placement);
    for (let i = N - 1; i >= 0; i--) {
      if (++digits[i]! < permitted[i]!.length) {
        placement[i] = permitted[i]![digits[i]!]!;
        break;
      }
      digits[i] = 0;
      placement[i] = permitted[i]![0]!;
    }
  }
}

export function exhaustiveOptimum(model: PreparedModel, calculator: DeploymentMetricsCalculator, p: ExhaustiveParams): ExhaustiveResult {
  const limit = p.limit ?? FINE_GRAINED_MAX_DEPLOYMENTS;
  const total = deploymentCount(model.permitted);
  if (total > limit) throw new ValidationError(`exhaustive search refused: ${total} deployments exceed the limit of ${limit}`);
  const verifier = verifierFor(model, calculator, p.seed, p.verifySamples ?? GUARANTEE_DEFAULTS.samples);
  verifier.setHour(p.hour);
  const homePlacement = new Array<number>(model.N).fill(model.home);
  const homeKey = homePlacement.join(',');
  const home = verifier.evaluateHome(homePlacement);
  const ratios = relativeMetrics(p.constraints.hard);
  let best: { placement: number[]; metrics: PlanMetrics; v: VerifiedMetrics } | undefined;
  let compliant = 0;
  forEachPlacement(model.permitted, (placement) => {
    const isHome = placement.join(',') === homeKey;
    const v = isHome ? home : verifier.evaluate(placement, ratios);
    if (hardViolation(v, p.constraints.hard, isHome) !== undefined) return;
    compliant++;
    const c = { placement: placement.slice(), metrics: v.metrics, v };
    // Keep the better of two: the ranker's order, the earlier one on ties.
    if (!best || rankCandidates([best, c], home.metrics, p.constraints)[0] === c) best = c;
  });
  return {
    ...(best ? { best: { placement: best.placement, metrics: best.metrics } } : {}),
    homeMetrics: home.metrics,
    deployments: total,
    compliant,
  };
}
