// The stochastic search's pair-aware surrogate: on metrics of exactly its form (a term per instance
// and region, plus per edge a term of each endpoint's region when they differ) fitted from part of
// the space, it predicts the rest and ranks the true optimum first.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitSurrogate, SURROGATE_METRICS } from '../../../shared/solver/algorithms/surrogate.js';
import { Rng } from '../../../shared/solver/rng.js';
import type { PlanMetrics } from '../../../shared/solver/types.js';

describe('pair-aware surrogate', () => {
  it('recovers metrics of its form (3 instances × 6 regions, chain) from a random half of the 216 plans', () => {
    const N = 3;
    const R = 6;
    const edges: Array<[number, number]> = [
      [0, 1],
      [1, 2],
    ];
    const rng = new Rng(7);
    const a = Array.from({ length: N * R }, () => 1 + rng.next());
    const b = Array.from({ length: edges.length * 2 * R }, () => rng.next());
    const truth = (p: number[]): number => {
      let s = 0;
      for (let i = 0; i < N; i++) s += a[i * R + p[i]!]!;
      edges.forEach(([u, v], e) => {
        if (p[u] !== p[v]) s += b[e * 2 * R + p[u]!]! + b[e * 2 * R + R + p[v]!]!;
      });
      return s;
    };
    const all: number[][] = [];
    for (let n = 0; n < R ** N; n++) all.push([Math.floor(n / R / R), Math.floor(n / R) % R, n % R]);
    const metricsOf = (p: number[]): PlanMetrics => {
      const v = truth(p);
      return { average_carbon: v, average_cost: 2 * v, average_runtime: v, tail_carbon: v, tail_cost: v, tail_runtime: v };
    };
    const seen = all.filter(() => rng.next() < 0.5);
    const model = fitSurrogate(
      N,
      R,
      edges,
      seen.map((placement) => ({ placement, metrics: metricsOf(placement) })),
    );
    assert.ok(model);
    const out = new Float64Array(SURROGATE_METRICS.length);
    let worst = 0;
    for (const p of all) {
      model.predict(p, out);
      worst = Math.max(worst, Math.abs(out[0]! - truth(p)) / truth(p), Math.abs(out[1]! - 2 * truth(p)) / (2 * truth(p)));
    }
    assert.ok(worst < 1e-3, `worst relative error ${worst}`);
    const best = (f: (p: number[]) => number) => all.reduce((x, p) => (f(p) < f(x) ? p : x));
    assert.deepEqual(
      best((p) => model.predict(p, out)[0]!),
      best(truth),
    );
  });
});
