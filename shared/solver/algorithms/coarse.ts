// Coarse-grained: every instance in the same region, for each region permitted to all instances
// (the Python pass). When some instances are restricted to fewer regions, a per-function pass
// follows: for each region, every instance that may run there does and the others stay at their
// fallback (home if permitted, else their first permitted region); then one composed plan puts each
// instance in its best-scoring permitted region. Entry pinned to home, others free: the clamped
// pass alone yields "entry at home, everything else in the greenest region".
import { failsHardConstraints, type Candidate } from '../ranker.js';
import type { MetricName } from '../types.js';
import { pastDeadline, type PlacementKey, placementKey, type SearchContext } from './context.js';

export function objectiveOf(ctx: SearchContext): `average_${MetricName}` {
  return `average_${ctx.constraints.priorityOrder[0] ?? 'carbon'}`;
}

export function coarseGrained(ctx: SearchContext): Candidate[] {
  const out: Candidate[] = [];
  const objective = objectiveOf(ctx);
  /** Objective of the (clamped) all-in-r deployment, per region; Infinity when not evaluated. */
  const score = new Array<number>(ctx.R).fill(Infinity);
  const seen = new Set<PlacementKey>();
  const consider = (placement: number[], region?: number): void => {
    const key = placementKey(placement, ctx.R);
    if (seen.has(key)) return;
    seen.add(key);
    const isHome = placement.every((r) => r === ctx.home);
    const metrics = isHome ? ctx.homeMetrics : ctx.calculator.evaluate(placement);
    if (region !== undefined) score[region] = metrics[objective];
    if (!failsHardConstraints(metrics, ctx.homeMetrics, ctx.constraints.hard)) out.push({ placement, metrics, coarse: true });
  };
  for (let r = 0; r < ctx.R; r++) {
    if (!ctx.permitted.every((p) => p.includes(r))) continue;
    if (pastDeadline(ctx)) return out;
    consider(new Array<number>(ctx.N).fill(r), r);
  }
  if (ctx.permitted.every((p) => p.length === ctx.R)) return out;

  const fallback = ctx.permitted.map((p) => (p.includes(ctx.home) ? ctx.home : p[0]!));
  for (let r = 0; r < ctx.R; r++) {
    if (!ctx.permitted.some((p) => p.includes(r))) continue;
    if (pastDeadline(ctx)) return out;
    consider(
      ctx.permitted.map((p, i) => (p.includes(r) ? r : fallback[i]!)),
      r,
    );
  }
  if (pastDeadline(ctx)) return out;
  const composed = ctx.permitted.map((p) => p.reduce((best, r) => (score[r]! < score[best]! ? r : best), p[0]!));
  consider(composed);
  return out;
}
