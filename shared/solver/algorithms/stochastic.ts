// Stochastic heuristic (caribou-spec §7.3 defaults): a coarse pass seeds the best deployment and a
// bias set of good regions; then a walk mutates int(0.2·N + 1) instances per step for R·N·3 steps,
// accepting improvements always and worse deployments with a probability that shrinks with the
// temperature (×0.99 per evaluated step). Every accepted deployment is a candidate for the ranker.
import { STOCHASTIC_DEFAULTS } from '../constants.js';
import { failsHardConstraints, type Candidate } from '../ranker.js';
import type { MetricName } from '../types.js';
import { coarseGrained } from './coarse.js';
import { pastDeadline, placementKey, type SearchContext } from './context.js';
import { deploymentCount } from './fine.js';

export function stochasticHeuristic(ctx: SearchContext): Candidate[] {
  const { N, R, rng } = ctx;
  const objective = `average_${ctx.constraints.priorityOrder[0] ?? ('carbon' as MetricName)}` as const;
  const learningRate = Math.floor(STOCHASTIC_DEFAULTS.learningRateFraction * N + 1);
  const iterations = R * N * STOCHASTIC_DEFAULTS.iterationsPerRegionInstance;
  const maxCombos = deploymentCount(ctx.permitted);
  const homeValue = ctx.homeMetrics[objective];
  const scale = Math.abs(homeValue) > 0 ? Math.abs(homeValue) : 1;

  const candidates: Candidate[] = [];
  const generated = new Set<string>();
  const bias = new Set<number>();
  let bestValue = homeValue;

  const coarse = coarseGrained(ctx);
  for (const c of coarse) {
    generated.add(placementKey(c.placement));
    candidates.push(c);
    if (c.metrics[objective] < bestValue) {
      bestValue = c.metrics[objective];
      bias.add(c.placement[0]!);
    }
  }
  const homePlacement = new Array<number>(N).fill(ctx.home);
  if (candidates.length === 0 && ctx.permitted.every((p) => p.includes(ctx.home))) {
    candidates.push({ placement: homePlacement, metrics: ctx.homeMetrics });
  }
  generated.add(placementKey(homePlacement));

  let current = homePlacement;
  let currentValue = homeValue;
  let temperature: number = STOCHASTIC_DEFAULTS.initialTemperature;
  // `iterations` counts evaluated deployments; a duplicate costs an attempt, not an iteration
  // (attempts are capped so a nearly exhausted space cannot spin).
  let evaluated = 0;
  for (let attempt = 0; evaluated < iterations && attempt < iterations * 10; attempt++) {
    if (generated.size >= maxCombos || pastDeadline(ctx)) break;
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
    const key = placementKey(next);
    if (generated.has(key)) continue;
    generated.add(key);
    evaluated++;
    const metrics = ctx.calculator.evaluate(next);
    if (failsHardConstraints(metrics, ctx.homeMetrics, ctx.constraints.hard)) continue;
    const value = metrics[objective];
    let accept: boolean;
    if (value < bestValue) {
      bestValue = value;
      for (let i = 0; i < N; i++) if (next[i] !== current[i]) bias.add(next[i]!);
      accept = true;
    } else {
      // Metropolis-style: the worsening relative to home, base 2 as in the Python code, which
      // however compared the home value with the temperature and so ignored the candidate.
      const worsening = (value - currentValue) / scale;
      accept = worsening <= 0 || rng.next() < Math.pow(2, -worsening / temperature);
    }
    temperature *= STOCHASTIC_DEFAULTS.coolingFactor;
    if (accept) {
      current = next;
      currentValue = value;
      candidates.push({ placement: next, metrics });
    }
  }
  return candidates;
}
