import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValidationError } from '../../../shared/errors.js';
import { solveWorkflow } from '../../../shared/solver/solve.js';
import { rankCandidates } from '../../../shared/solver/ranker.js';
import type { PlanMetrics } from '../../../shared/solver/types.js';
import { syntheticInput, type SynthInstance } from './helpers.js';

const US = 'aws:us-east-1',
  CA = 'aws:ca-central-1',
  SE = 'aws:eu-north-1',
  OH = 'aws:us-east-2';
const regions = [
  { key: US, ci: 400 },
  { key: OH, ci: 450 },
  { key: CA, ci: 30 },
  { key: SE, ci: 20 },
];
const quick = { monteCarlo: { minSamples: 50, maxSamples: 50, batchSize: 50 }, workers: 0 } as const;

/** a → b → c chain; small transfers so execution carbon dominates. */
function chain(instances: Partial<Record<'a' | 'b' | 'c', Partial<SynthInstance>>> = {}) {
  const base: SynthInstance[] = [
    { name: 'a:entry_point:0', durations: { '*': [1.0, 1.2] } },
    { name: 'b:a_0_0:1', durations: { '*': [2.0, 2.5] } },
    { name: 'c:b_1_0:2', durations: { '*': [1.5] } },
  ];
  return base.map((i) => ({ ...i, ...instances[i.name[0] as 'a' | 'b' | 'c'] }));
}

const edges = [
  { from: 'a:entry_point:0', to: 'b:a_0_0:1', sizesGB: [1e-6] },
  { from: 'b:a_0_0:1', to: 'c:b_1_0:2', sizesGB: [1e-6] },
];

describe('search algorithms on small DAGs with a known optimum', () => {
  it('coarse puts everything in the greenest region', async () => {
    const r = await solveWorkflow(syntheticInput({ regions, instances: chain(), edges }), { ...quick, algorithm: 'coarse', hours: [0] });
    assert.deepEqual(Object.values(r.hours[0]!.placementByInstance), [SE, SE, SE]);
    assert.equal(r.hours[0]!.evaluations, 4); // home + 3 other regions
  });

  it('fine-grained finds the per-instance optimum under permissions; stochastic finds the same', async () => {
    // a may only run in US or OH, c only in US or CA: optimum a→US, b→SE, c→CA.
    const input = syntheticInput({
      regions,
      instances: chain({ a: { permitted: [US, OH] }, c: { permitted: [US, CA] } }),
      edges,
    });
    const fine = await solveWorkflow(input, { ...quick, algorithm: 'fine', hours: [0] });
    assert.deepEqual(Object.values(fine.hours[0]!.placementByInstance), [US, SE, CA]);
    assert.equal(fine.hours[0]!.evaluations, 2 * 4 * 2); // home included once
    const stochastic = await solveWorkflow(input, { ...quick, algorithm: 'stochastic', hours: [0], seed: 4 });
    assert.deepEqual(Object.values(stochastic.hours[0]!.placementByInstance), [US, SE, CA]);
    for (const h of stochastic.hours) {
      assert.ok([US, OH].includes(h.placementByInstance['a:entry_point:0']!), 'a permitted');
      assert.ok([US, CA].includes(h.placementByInstance['c:b_1_0:2']!), 'c permitted');
    }
  });

  it('uses the solve hour: the greenest region changes with the hour', async () => {
    const hourly = [
      { key: US, ci: 400 },
      { key: CA, ci: { overall: 100, '0': 50, '12': 300 } },
      { key: SE, ci: { overall: 100, '0': 300, '12': 50 } },
    ];
    const r = await solveWorkflow(syntheticInput({ regions: hourly, instances: chain().slice(0, 1) }), {
      ...quick,
      algorithm: 'coarse',
      hours: [12, 0],
    });
    assert.deepEqual(
      r.hours.map((h) => h.hour),
      [0, 12],
    );
    assert.equal(r.hours[0]!.placementByInstance['a:entry_point:0'], CA);
    assert.equal(r.hours[1]!.placementByInstance['a:entry_point:0'], SE);
  });

  it('fine-grained refuses above its size limit with a clear error', async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({
      name: i === 0 ? 'n0:entry_point:0' : `n${i}:x_0_0:${i}`,
      durations: { '*': [1] },
    }));
    const manyEdges = many.slice(1).map((n) => ({ from: 'n0:entry_point:0', to: n.name }));
    await assert.rejects(
      solveWorkflow(syntheticInput({ regions, instances: many, edges: manyEdges }), { ...quick, algorithm: 'fine', hours: [0] }),
      (e: Error) =>
        e instanceof ValidationError && /fine-grained search refused: 1\.68e\+7 deployments .* exceed the limit/.test(e.message),
    );
  });

  it('stops at the wall-clock budget and still returns a plan', async () => {
    const r = await solveWorkflow(syntheticInput({ regions, instances: chain(), edges }), {
      ...quick,
      algorithm: 'stochastic',
      hours: [0],
      budgetMsPerHour: 0,
    });
    assert.equal(r.hours[0]!.timedOut, true);
    assert.equal(r.hours[0]!.evaluations, 1); // only the home deployment
  });
});

describe('constraints', () => {
  // The greenest region (SE) is slow for every function.
  const slowGreen = chain().map((i) => ({ ...i, durations: { '*': i.durations['*']!, [SE]: i.durations['*']!.map((d) => d * 1.2) } }));

  it('without constraints the greener, slower region wins', async () => {
    const r = await solveWorkflow(syntheticInput({ regions, instances: slowGreen, edges }), { ...quick, algorithm: 'coarse' });
    assert.equal(r.hours[0]!.placementByInstance['a:entry_point:0'], SE);
  });

  it('a hard absolute runtime limit on the tail excludes the greener region', async () => {
    const input = syntheticInput({
      regions,
      instances: slowGreen,
      edges,
      constraints: { hard: { runtime: { type: 'absolute', value: 5.7 } } },
    });
    const r = await solveWorkflow(input, { ...quick, algorithm: 'coarse' });
    assert.equal(r.hours[0]!.placementByInstance['a:entry_point:0'], CA);
    assert.ok(r.hours[0]!.metrics.tail_runtime <= 5.7, `tail ${r.hours[0]!.metrics.tail_runtime}`);
  });

  it('a hard relative limit (percent of home) does the same, and an impossible one keeps home', async () => {
    const relative = syntheticInput({
      regions,
      instances: slowGreen,
      edges,
      constraints: { hard: { runtime: { type: 'relative', value: 110 } } },
    });
    const r = await solveWorkflow(relative, { ...quick, algorithm: 'stochastic', seed: 2 });
    const h0 = r.hours[0]!;
    // All-SE has a tail of 6.68 s > 110% of home's 5.64 s; moving only c to SE (6.04 s) is allowed.
    assert.ok(h0.metrics.tail_runtime <= 1.1 * h0.homeMetrics.tail_runtime, `tail ${h0.metrics.tail_runtime}`);
    assert.notDeepEqual(Object.values(h0.placementByInstance), [SE, SE, SE]);
    assert.ok(h0.metrics.average_carbon < h0.homeMetrics.average_carbon / 5, 'still much greener than home');
    const impossible = syntheticInput({
      regions,
      instances: slowGreen,
      edges,
      constraints: { hard: { carbon: { type: 'absolute', value: 1e-12 } } },
    });
    const h = (await solveWorkflow(impossible, { ...quick, algorithm: 'coarse' })).hours[0]!;
    assert.equal(h.fellBackToHome, true);
    assert.deepEqual(Object.values(h.placementByInstance), [US, US, US]);
  });

  it('the ranker puts fewer soft violations first, then follows the priority order', () => {
    const m = (carbon: number, runtime: number, cost: number): PlanMetrics => ({
      average_carbon: carbon,
      average_runtime: runtime,
      average_cost: cost,
      tail_carbon: carbon,
      tail_runtime: runtime,
      tail_cost: cost,
    });
    const home = m(10, 10, 10);
    const cands = [
      { placement: [0], metrics: m(1, 30, 10) },
      { placement: [1], metrics: m(5, 10, 10) },
      { placement: [2], metrics: m(5, 9, 10) },
    ];
    const none = rankCandidates(cands, home, { hard: {}, soft: {}, priorityOrder: ['carbon', 'runtime', 'cost'] });
    assert.deepEqual(
      none.map((c) => c.placement[0]),
      [0, 2, 1],
    );
    const soft = rankCandidates(cands, home, {
      hard: {},
      soft: { runtime: { type: 'relative', value: 120 } },
      priorityOrder: ['carbon', 'runtime', 'cost'],
    });
    assert.deepEqual(
      soft.map((c) => c.placement[0]),
      [2, 1, 0],
    );
    const byRuntime = rankCandidates(cands, home, { hard: {}, soft: {}, priorityOrder: ['runtime', 'carbon', 'cost'] });
    assert.deepEqual(
      byRuntime.map((c) => c.placement[0]),
      [2, 1, 0],
    );
  });
});
