// Stochastic heuristic (caribou-spec §7.3 defaults, with the issue-16 changes): the coarse pass
// (with its per-function part) seeds the best deployment and a bias set of good regions; the walk
// starts from the best of that pass (the Python code starts at home), mutates int(0.2·N + 1)
// instances per step within each instance's permitted regions, accepts improvements always and
// worse deployments with a probability that shrinks with the temperature (×0.99 per evaluated
// step), and returns to the best deployment after a stretch without improvement. The last part of
// the R·N·3 budget polishes the best deployment one instance at a time (every permitted region of
// each instance in turn, until no move improves). The walk and the polish follow the ranker's order
// (fewer soft violations first, then the objective). Every accepted deployment is a candidate.
import { STOCHASTIC_DEFAULTS } from '../constants.js';
import { failsHardConstraints, softViolations, type Candidate } from '../ranker.js';
import type { PlanMetrics } from '../types.js';
import { coarseGrained, objectiveOf } from './coarse.js';
import { pastDeadline, placementKey, type SearchContext } from './context.js';
import { deploymentCount } from './fine.js';

export function stochasticHeuristic(ctx: SearchContext): Candidate[] {
  const { N, rng } = ctx;
  const objective = objectiveOf(ctx);
  const learningRate = Math.floor(STOCHASTIC_DEFAULTS.learningRateFraction * N + 1);
  const iterations = ctx.R * N * STOCHASTIC_DEFAULTS.iterationsPerRegionInstance;
  // One polishing sweep tries every other permitted region of every instance.
  const sweep = ctx.permitted.reduce((n, p) => n + p.length - 1, 0);
  const walkIterations = Math.max(0, iterations - sweep);
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
  const bias = new Set<number>();
  const homePlacement = new Array<number>(N).fill(ctx.home);
  const homeAllowed = ctx.permitted.every((p) => p.includes(ctx.home));
  let best = homePlacement;
  let bestValue = homeAllowed ? homeValue : Infinity;

  for (const c of coarseGrained(ctx)) {
    const value = score(c.metrics);
    values.set(placementKey(c.placement), value);
    candidates.push(c);
    if (value < bestValue) {
      bestValue = value;
      best = c.placement;
      for (const r of c.placement) if (r !== ctx.home) bias.add(r);
    }
  }
  if (candidates.length === 0 && homeAllowed) candidates.push({ placement: homePlacement, metrics: ctx.homeMetrics });
  if (!values.has(placementKey(homePlacement))) values.set(placementKey(homePlacement), homeAllowed ? homeValue : Infinity);

  /** Evaluates a new deployment; returns its objective (Infinity if it breaks a hard constraint). */
  let evaluated = 0;
  const evaluate = (placement: number[]): number => {
    evaluated++;
    const metrics = ctx.calculator.evaluate(placement);
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

  // Polish: first-improvement moves of one instance to another permitted region, until a full
  // sweep improves nothing or the budget is spent. Known deployments are not evaluated again.
  if (bestValue === Infinity) return candidates;
  let improved = true;
  while (improved && evaluated < iterations) {
    improved = false;
    for (let i = 0; i < N && evaluated < iterations; i++) {
      for (const r of ctx.permitted[i]!) {
        if (r === best[i] || evaluated >= iterations || pastDeadline(ctx)) continue;
        const next = best.slice();
        next[i] = r;
        const before = bestValue;
        const value = values.get(placementKey(next)) ?? evaluate(next);
        if (value < before) {
          best = next;
          bestValue = value;
          improved = true;
        }
      }
    }
  }
  return candidates;
}
