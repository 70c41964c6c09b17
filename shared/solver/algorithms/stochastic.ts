// Stochastic heuristic (caribou-spec §7.3 defaults, with the issue-16 changes): the coarse pass
// (with its per-function part) seeds the best deployment and a bias set of good regions; the walk
// starts from the best of that pass (the Python code starts at home), mutates int(0.2·N + 1)
// instances per step within each instance's permitted regions, accepts improvements always and
// worse deployments with a probability that shrinks with the temperature (×0.99 per evaluated
// step), and returns to the best deployment after a stretch without improvement. The last three
// sweeps' worth of the R·N·3 budget polishes the best deployment: a repair descent on the soft
// limits' excess when the best breaks one (at most half of what is left), then single-instance
// moves until none improves, then pair moves in the order of their additively predicted value.
// The walk and the polish follow the ranker's order (fewer soft violations first, then the
// objective). Every accepted deployment is a candidate.
import { STOCHASTIC_DEFAULTS } from '../constants.js';
import { failsHardConstraints, limitOf, softViolations, type Candidate } from '../ranker.js';
import type { Constraint, MetricName, PlanMetrics } from '../types.js';
import { coarseGrained, objectiveOf } from './coarse.js';
import { pastDeadline, placementKey, type SearchContext } from './context.js';
import { deploymentCount } from './fine.js';

const AVERAGES = ['average_carbon', 'average_cost', 'average_runtime'] as const;

export function stochasticHeuristic(ctx: SearchContext): Candidate[] {
  const { N, rng } = ctx;
  const objective = objectiveOf(ctx);
  const learningRate = Math.floor(STOCHASTIC_DEFAULTS.learningRateFraction * N + 1);
  const iterations = ctx.R * N * STOCHASTIC_DEFAULTS.iterationsPerRegionInstance;
  // One polishing sweep tries every other permitted region of every instance.
  const sweep = ctx.permitted.reduce((n, p) => n + p.length - 1, 0);
  // Three sweeps' worth is kept for the polish (single, repair and pair moves).
  const reserve = Math.min(iterations, 3 * sweep);
  const walkIterations = Math.max(0, iterations - reserve);
  const restartAfter = Math.max(4, ctx.R * N);
  const maxCombos = deploymentCount(ctx.permitted);
  const scale = Math.abs(ctx.homeMetrics[objective]) > 0 ? Math.abs(ctx.homeMetrics[objective]) : 1;
  // The ranker's order as one number: each violated soft constraint outweighs any objective value
  // (so the walk and the polish work where the ranker will choose), then the objective.
  const penalty = scale * 1e6;
  const score = (m: PlanMetrics): number => softViolations(m, ctx.homeMetrics, ctx.constraints.soft) * penalty + m[objective];
  const homeValue = score(ctx.homeMetrics);

  const candidates: Candidate[] = [];
  /** Objective of every evaluated deployment (Infinity when it broke a hard constraint). */
  const values = new Map<string, number>();
  /** Metrics of every evaluated deployment, for the pair moves' predictions. */
  const metricsOf = new Map<string, PlanMetrics>();
  const bias = new Set<number>();
  const homePlacement = new Array<number>(N).fill(ctx.home);
  const homeAllowed = ctx.permitted.every((p) => p.includes(ctx.home));
  let best = homePlacement;
  let bestValue = homeAllowed ? homeValue : Infinity;

  for (const c of coarseGrained(ctx)) {
    const value = score(c.metrics);
    values.set(placementKey(c.placement), value);
    metricsOf.set(placementKey(c.placement), c.metrics);
    candidates.push(c);
    if (value < bestValue) {
      bestValue = value;
      best = c.placement;
      for (const r of c.placement) if (r !== ctx.home) bias.add(r);
    }
  }
  if (candidates.length === 0 && homeAllowed) candidates.push({ placement: homePlacement, metrics: ctx.homeMetrics });
  if (!metricsOf.has(placementKey(homePlacement))) metricsOf.set(placementKey(homePlacement), ctx.homeMetrics);
  if (!values.has(placementKey(homePlacement))) values.set(placementKey(homePlacement), homeAllowed ? homeValue : Infinity);

  /** Evaluates a new deployment; returns its objective (Infinity if it breaks a hard constraint). */
  let evaluated = 0;
  const evaluate = (placement: number[]): number => {
    evaluated++;
    const metrics = ctx.calculator.evaluate(placement);
    metricsOf.set(placementKey(placement), metrics);
    const value = failsHardConstraints(metrics, ctx.homeMetrics, ctx.constraints.hard) ? Infinity : score(metrics);
    values.set(placementKey(placement), value);
    if (value < Infinity) candidates.push({ placement, metrics });
    if (value < bestValue) {
      bestValue = value;
      best = placement;
    }
    return value;
  };

  let current = best;
  let currentValue = bestValue;
  let temperature: number = STOCHASTIC_DEFAULTS.initialTemperature;
  let sinceImprovement = 0;
  // A duplicate costs an attempt, not an iteration (attempts are capped so a nearly exhausted
  // space cannot spin).
  for (let attempt = 0; evaluated < walkIterations && attempt < walkIterations * 10; attempt++) {
    if (values.size >= maxCombos || pastDeadline(ctx)) break;
    const next = current.slice();
    for (let l = 0; l < learningRate; l++) {
      const i = rng.index(N);
      const allowed = ctx.permitted[i]!;
      let choices = allowed;
      if (bias.size > 0 && rng.next() < STOCHASTIC_DEFAULTS.biasProbability) {
        const biased = allowed.filter((r) => bias.has(r));
        if (biased.length > 0) choices = biased;
      }
      next[i] = choices[rng.index(choices.length)]!;
    }
    if (values.has(placementKey(next))) continue;
    const before = bestValue;
    const value = evaluate(next);
    if (value === Infinity) continue;
    let accept: boolean;
    if (value < before) {
      for (let i = 0; i < N; i++) if (next[i] !== current[i]) bias.add(next[i]!);
      accept = true;
      sinceImprovement = 0;
    } else {
      // Metropolis-style on the relative worsening, base 2 as in the Python code (which compared
      // the home value with the temperature and so ignored the candidate).
      // A soft violation weighs half of home's objective here: the walk may cross such plans.
      const split = (x: number) => {
        const v = Math.floor(x / penalty);
        return { v, o: x - v * penalty };
      };
      const a = split(value);
      const b = split(currentValue);
      const worsening = (a.o - b.o + (a.v - b.v) * 0.5 * scale) / scale;
      accept = worsening <= 0 || rng.next() < Math.pow(2, -worsening / temperature);
      sinceImprovement++;
    }
    temperature *= STOCHASTIC_DEFAULTS.coolingFactor;
    if (accept) {
      current = next;
      currentValue = value;
    }
    if (sinceImprovement >= restartAfter) {
      current = best;
      currentValue = bestValue;
      sinceImprovement = 0;
    }
  }

  // Polish: local search from the best deployment (single moves, then pair moves). When the best
  // still breaks a soft limit, a repair descent on the amount of the excess comes first: the
  // violation count alone gives no direction towards the few compliant plans.
  if (bestValue === Infinity) return candidates;
  const softLimits = (Object.entries(ctx.constraints.soft) as Array<[MetricName, Constraint | undefined]>).flatMap(([metric, c]) =>
    c ? [{ key: `average_${metric}` as const, limit: limitOf(c, ctx.homeMetrics[`average_${metric}`]) }] : [],
  );
  const excess = (m: PlanMetrics): number =>
    softLimits.reduce((e, { key, limit }) => e + Math.max(0, m[key] / Math.max(limit, 1e-300) - 1), 0);
  if (excess(metricsOf.get(placementKey(best))!) > 0) localSearch(excess, true, evaluated + Math.ceil((iterations - evaluated) / 2));
  localSearch(score, false, iterations);
  return candidates;

  /** Value of a deployment under f (evaluated if new); Infinity when it breaks a hard constraint. */
  function valueUnder(f: (m: PlanMetrics) => number, placement: number[]): number {
    const key = placementKey(placement);
    const known = values.get(key);
    if (known === undefined) evaluate(placement);
    if (values.get(key) === Infinity) return Infinity;
    const m = metricsOf.get(key);
    return m ? f(m) : Infinity;
  }

  /**
   * First-improvement descent on f from the best deployment: single-instance moves until a sweep
   * improves nothing, then pair moves (a local optimum of single moves, e.g. when each single move
   * breaks a soft limit that a second one restores), tried in the order of their value predicted
   * additively from the single moves' averages; an improving pair restarts the single sweeps.
   * `untilZero` stops as soon as f reaches 0 (the repair).
   */
  function localSearch(f: (m: PlanMetrics) => number, untilZero: boolean, limit: number): void {
    let at = best;
    let atValue = valueUnder(f, at);
    const done = () => evaluated >= limit || pastDeadline(ctx) || (untilZero && atValue <= 0);
    const tryMove = (next: number[]): boolean => {
      const v = valueUnder(f, next);
      if (v < atValue) {
        at = next;
        atValue = v;
        return true;
      }
      return false;
    };
    for (;;) {
      let improved = true;
      while (improved && !done()) {
        improved = false;
        for (let i = 0; i < N && !done(); i++) {
          for (const r of ctx.permitted[i]!) {
            if (r === at[i] || done()) continue;
            const next = at.slice();
            next[i] = r;
            if (tryMove(next)) improved = true;
          }
        }
      }
      if (done() || !pairStep()) return;
    }

    function pairStep(): boolean {
      const base = at;
      const baseMetrics = metricsOf.get(placementKey(base));
      if (!baseMetrics) return false;
      const moves: Array<{ i: number; r: number; m: PlanMetrics }> = [];
      for (let i = 0; i < N; i++) {
        for (const r of ctx.permitted[i]!) {
          if (r === base[i]) continue;
          const next = base.slice();
          next[i] = r;
          const m = metricsOf.get(placementKey(next));
          if (m) moves.push({ i, r, m });
        }
      }
      const predicted: Array<{ a: number; b: number; v: number }> = [];
      const pm = { ...baseMetrics };
      for (let a = 0; a < moves.length; a++) {
        for (let b = a + 1; b < moves.length; b++) {
          const x = moves[a]!;
          const y = moves[b]!;
          if (x.i === y.i) continue;
          for (const k of AVERAGES) pm[k] = x.m[k] + y.m[k] - baseMetrics[k];
          predicted.push({ a, b, v: f(pm) });
        }
      }
      predicted.sort((p, q) => p.v - q.v);
      for (const p of predicted) {
        if (done()) return false;
        const next = base.slice();
        next[moves[p.a]!.i] = moves[p.a]!.r;
        next[moves[p.b]!.i] = moves[p.b]!.r;
        if (tryMove(next)) return true;
      }
      return false;
    }
  }
}
