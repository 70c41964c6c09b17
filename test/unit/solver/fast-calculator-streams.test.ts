// The fast calculator's speed-ups must not change a number: one random stream per (seed, hour)
// shared by calculators, latency entries resolved on first use, and the generated sample kernel.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastCalculator, SimpleCalculator } from '../../../shared/solver/calculators/index.js';
import { loadSolverInput } from '../../../shared/solver/importer.js';
import { prepareModel } from '../../../shared/solver/model.js';
import { Rng, sharedStream } from '../../../shared/solver/rng.js';
import { solveWorkflow } from '../../../shared/solver/solve.js';
import { FIXTURES } from './helpers.js';

const METRICS = ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime'] as const;

describe('shared random stream', () => {
  it('holds the same sequence as drawing one number at a time, across growth', () => {
    const stream = sharedStream(0xabcdef, 10);
    stream.extend(5);
    stream.extend(200_000); // grows past the initial storage and draws ahead
    const rng = new Rng(0xabcdef);
    for (let i = 0; i < 200_000; i++) assert.equal(stream.values[i], rng.next());
  });

  it('gives interleaved calculators of different hours and sample counts the results of fresh ones', async () => {
    const m = prepareModel(await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}map_reduce.json`));
    const far = m.permitted.map((p) => p[p.length - 1]!);
    const home = new Array<number>(m.N).fill(m.home);
    // a: short evaluations at hour 3; b: long ones at hour 3 (grows the shared stream under a); c: hour 9.
    const a = new FastCalculator(m, { seed: 7, minSamples: 200, maxSamples: 200 });
    const b = new FastCalculator(m, { seed: 7, minSamples: 3000, maxSamples: 3000 });
    const c = new FastCalculator(m, { seed: 7, minSamples: 400, maxSamples: 400 });
    a.setHour(3);
    b.setHour(3);
    c.setHour(9);
    const seen = [a.evaluate(far), b.evaluate(home), c.evaluate(far), a.evaluate(home), b.evaluate(far), c.evaluate(home)];
    const fresh = (samples: number, hour: number, p: number[]) => {
      const s = new SimpleCalculator(m, { seed: 7, minSamples: samples, maxSamples: samples });
      s.setHour(hour);
      return s.evaluate(p);
    };
    const expected = [
      fresh(200, 3, far),
      fresh(3000, 3, home),
      fresh(400, 9, far),
      fresh(200, 3, home),
      fresh(3000, 3, far),
      fresh(400, 9, home),
    ];
    seen.forEach((r, i) => {
      for (const k of METRICS)
        assert.ok(
          Math.abs(r[k] - expected[i]![k]) <= 1e-9 * Math.abs(expected[i]![k]),
          `evaluation ${i} ${k}: ${r[k]} vs ${expected[i]![k]}`,
        );
    });
  });
});

describe('repeated solves in one process', () => {
  it('choose the same plans as the first (nothing carried over but identical random numbers)', async () => {
    const input = await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}integration_test_workflow.json`);
    const opts = {
      hours: [0, 12],
      algorithm: 'stochastic' as const,
      seed: 5,
      workers: 0,
      monteCarlo: { minSamples: 400, maxSamples: 400 },
    };
    const first = await solveWorkflow(input, opts);
    const simple = await solveWorkflow(input, { ...opts, calculator: 'simple' });
    const again = await solveWorkflow(input, opts);
    for (const r of [simple, again]) {
      assert.deepEqual(
        r.hours.map((h) => h.placement),
        first.hours.map((h) => h.placement),
      );
      assert.equal(r.timing.evaluations, first.timing.evaluations);
    }
  });
});
