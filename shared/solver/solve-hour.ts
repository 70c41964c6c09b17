// One solve hour: home metrics, the search, the ranker. Synchronous and pure given its inputs, so it
// runs the same on the main thread and inside a worker.
import { coarseGrained } from './algorithms/coarse.js';
import type { SearchContext } from './algorithms/context.js';
import { fineGrained } from './algorithms/fine.js';
import { stochasticHeuristic } from './algorithms/stochastic.js';
import type { PreparedModel } from './model.js';
import { rankCandidates } from './ranker.js';
import { Rng, mixSeed } from './rng.js';
import type { AlgorithmName, Constraints, DeploymentMetricsCalculator, PlanMetrics } from './types.js';

export interface HourSolution {
  hour: number;
  /** Region index per instance. */
  placement: number[];
  metrics: PlanMetrics;
  homeMetrics: PlanMetrics;
  /** Deployments evaluated (home included) and samples drawn for this hour. */
  evaluations: number;
  samples: number;
  seconds: number;
  candidates: number;
  /** No candidate met the hard constraints: the home deployment is kept. */
  fellBackToHome: boolean;
  /** The wall-clock budget ended the search early. */
  timedOut: boolean;
}

export interface SolveHourParams {
  hour: number;
  algorithm: AlgorithmName;
  seed: number;
  budgetMs: number;
  constraints: Constraints;
}

const ALGORITHMS = { coarse: coarseGrained, fine: (ctx: SearchContext) => fineGrained(ctx), stochastic: stochasticHeuristic };

function strip(m: PlanMetrics): PlanMetrics {
  return {
    average_carbon: m.average_carbon,
    average_cost: m.average_cost,
    average_runtime: m.average_runtime,
    tail_carbon: m.tail_carbon,
    tail_cost: m.tail_cost,
    tail_runtime: m.tail_runtime,
  };
}

export function solveHour(model: PreparedModel, calculator: DeploymentMetricsCalculator, p: SolveHourParams): HourSolution {
  const t0 = performance.now();
  const e0 = calculator.evaluations;
  const s0 = calculator.samples;
  calculator.setHour(p.hour);
  const homePlacement = new Array<number>(model.N).fill(model.home);
  const homeMetrics = strip(calculator.evaluate(homePlacement));
  const ctx: SearchContext = {
    R: model.R,
    N: model.N,
    home: model.home,
    permitted: model.permitted,
    calculator,
    homeMetrics,
    constraints: p.constraints,
    deadlineMs: t0 + p.budgetMs,
    rng: new Rng(mixSeed(p.seed, p.hour, 0x5eed)),
    timedOut: false,
  };
  const candidates = ALGORITHMS[p.algorithm](ctx);
  const ranked = rankCandidates(candidates, homeMetrics, p.constraints);
  const best = ranked[0];
  return {
    hour: p.hour,
    placement: best ? best.placement.slice() : homePlacement,
    metrics: best ? strip(best.metrics) : homeMetrics,
    homeMetrics,
    evaluations: calculator.evaluations - e0,
    samples: calculator.samples - s0,
    seconds: (performance.now() - t0) / 1000,
    candidates: candidates.length,
    fellBackToHome: !best,
    timedOut: ctx.timedOut,
  };
}
