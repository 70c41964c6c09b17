// The guided step's predictions (algorithms/guided.ts): the WebAssembly enumeration must give
// exactly the values and placements of the JavaScript reference, in the same order, or the search
// would try other plans.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type GuidedInput, METRIC_KEYS, predictionCount, predictJs, predictWasm } from '../../../shared/solver/algorithms/guided.js';
import type { PlanMetrics } from '../../../shared/solver/types.js';

const metric = fc.oneof(fc.double({ min: -5, max: 5, noNaN: true }), fc.constantFrom(0, -0, 1e-9, 3));
const metrics = fc
  .tuple(metric, metric, metric, metric, metric, metric)
  .map((xs) => Object.fromEntries(METRIC_KEYS.map((k, i) => [k, xs[i]!])) as unknown as PlanMetrics);
const key = fc.constantFrom(...METRIC_KEYS);

const input: fc.Arbitrary<GuidedInput> = fc
  .record({
    N: fc.integer({ min: 1, max: 6 }),
    R: fc.integer({ min: 2, max: 5 }),
    baseMetrics: metrics,
    hard: fc.array(
      fc.tuple(fc.constantFrom('tail_carbon', 'tail_cost', 'tail_runtime') as fc.Arbitrary<(typeof METRIC_KEYS)[number]>, metric),
      { maxLength: 3 },
    ),
    soft: fc.array(fc.record({ key, limit: fc.oneof(metric, fc.constant(0)) }), { maxLength: 3 }),
    kind: fc.constantFrom('score', 'excess') as fc.Arbitrary<'score' | 'excess'>,
    objective: key,
    penalty: fc.double({ min: 1, max: 1e9, noNaN: true }),
    maxMoved: fc.integer({ min: 1, max: 6 }),
    seed: fc.array(metrics, { minLength: 40, maxLength: 40 }),
  })
  .map(({ N, R, baseMetrics, hard, soft, kind, objective, penalty, maxMoved, seed }) => {
    const base = Array.from({ length: N }, (_, i) => i % R);
    let k = 0;
    const moves = base.map((b) =>
      Array.from({ length: R }, (_, r) => r)
        .filter((r) => r !== b && (r + b) % 3 !== 0)
        .map((r) => ({ r, d: seed[k++ % seed.length]! })),
    );
    return {
      N,
      base,
      baseMetrics,
      moves,
      maxMoved,
      hardTailLimits: hard,
      value: kind === 'score' ? { kind, soft, penalty, objective } : { kind, soft },
    } satisfies GuidedInput;
  });

test('WebAssembly predictions equal the JavaScript reference: count, values and placements in order', () => {
  let tried = 0;
  let predictions = 0;
  fc.assert(
    fc.property(input, (i) => {
      tried += 1;
      const js = predictJs(i);
      const wasm = predictWasm(i);
      assert.equal(wasm.count, js.count);
      assert.equal(
        js.count,
        predictionCount(
          i.moves.map((o) => o.length),
          i.maxMoved,
        ),
      );
      assert.deepEqual(Array.from(wasm.values), Array.from(js.values).slice(0, js.count));
      assert.deepEqual(Array.from(wasm.placements), Array.from(js.placements.subarray(0, js.count * i.N)));
      predictions += js.count;
    }),
    { numRuns: 300 },
  );
  assert.equal(tried, 300);
  assert.ok(predictions > 1000, `only ${predictions} predictions compared`);
});
