// The search-quality comparison shared by quality.test.ts and the scan (quality-scan.ts): coarse,
// stochastic and the exhaustive optimum on the same common draws. The search runs with a fixed
// sample count equal to the finalists' one and the same seed, so its values, the finalists' and
// the exhaustive search's are the same numbers.
import { exhaustiveOptimum } from '../../../shared/solver/algorithms/exhaustive.js';
import { createCalculator } from '../../../shared/solver/calculators/index.js';
import { Verifier } from '../../../shared/solver/guarantee.js';
import { prepareModel } from '../../../shared/solver/model.js';
import { softViolations } from '../../../shared/solver/ranker.js';
import type { PlanMetrics, SolverInput } from '../../../shared/solver/types.js';
import { solveOne } from './generators.js';

export const S = 200;
export const FIXED = { minSamples: S, maxSamples: S, batchSize: S };

export interface Judged {
  soft: number;
  carbon: number;
}

export function judge(input: SolverInput, hour: number, seed: number) {
  const model = prepareModel(input);
  const calc = createCalculator('go', model, { seed, ...FIXED });
  const v = new Verifier(model, calc, seed, S);
  v.setHour(hour);
  const home = v.evaluate(new Array<number>(model.N).fill(model.home)).metrics;
  const of = (m: PlanMetrics): Judged => ({ soft: softViolations(m, home, input.constraints.soft), carbon: m.average_carbon });
  return {
    model,
    calc,
    at: (placement: number[]) => of(v.evaluate(placement).metrics),
    of,
  };
}

/** a is not worse than b × (1 + slack) in the ranker's order (soft violations, then carbon). */
export function notWorse(a: Judged, b: Judged, slack = 0): boolean {
  if (a.soft !== b.soft) return a.soft < b.soft;
  return a.carbon <= b.carbon * (1 + slack) + 1e-15;
}

export interface Comparison {
  optimum: Judged;
  coarse: Judged;
  stochastic: Judged;
  optPlacement: number[];
  stochasticPlacement: number[];
  coarsePlacement: number[];
  deployments: number;
  /** Evaluations of the stochastic search (home included). */
  stochasticEvaluations: number;
  /** Failed checks, empty when coarse ≥ optimum, stochastic ≤ coarse and within 1% of the optimum. */
  failures: string[];
}

export function compareSearches(input: SolverInput, hour: number, seed: number): Comparison | undefined {
  const j = judge(input, hour, seed);
  const opt = exhaustiveOptimum(j.model, j.calc, { hour, seed, constraints: input.constraints, verifySamples: S });
  if (!opt.best) return undefined;
  const optimum = j.of(opt.best.metrics);
  const coarse = solveOne(input, hour, 'coarse', seed, FIXED, S);
  const stochastic = solveOne(input, hour, 'stochastic', seed, FIXED, S);
  const c = j.at(coarse.placement);
  const s = j.at(stochastic.placement);
  const failures: string[] = [];
  if (!notWorse(optimum, c)) failures.push(`coarse ${JSON.stringify(c)} beats the optimum ${JSON.stringify(optimum)}`);
  if (!notWorse(s, c)) failures.push(`stochastic ${JSON.stringify(s)} worse than coarse ${JSON.stringify(c)}`);
  if (!notWorse(s, optimum, 0.01))
    failures.push(
      `stochastic ${JSON.stringify(s)} ${stochastic.placement} more than 1% above the optimum ${JSON.stringify(optimum)} ${opt.best.placement}`,
    );
  return {
    optimum,
    coarse: c,
    stochastic: s,
    optPlacement: opt.best.placement,
    stochasticPlacement: stochastic.placement,
    coarsePlacement: coarse.placement,
    deployments: opt.deployments,
    stochasticEvaluations: stochastic.evaluations,
    failures,
  };
}
