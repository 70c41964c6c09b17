import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FastCalculator, SimpleCalculator } from '../../../shared/solver/calculators/index.js';
import { loadSolverInput } from '../../../shared/solver/importer.js';
import { prepareModel } from '../../../shared/solver/model.js';
import type { DeploymentMetricsCalculator, EvaluationResult } from '../../../shared/solver/types.js';
import { FIXTURES, SHAPES, syntheticInput } from './helpers.js';

const KIB = 1 / (1024 * 1024);
const close = (a: number, b: number, rel = 1e-9) => assert.ok(Math.abs(a - b) <= rel * Math.max(Math.abs(a), Math.abs(b)), `${a} != ${b}`);
const both = (
  m: ReturnType<typeof prepareModel>,
  o: { seed: number; minSamples?: number; maxSamples?: number },
): DeploymentMetricsCalculator[] => [new SimpleCalculator(m, o), new FastCalculator(m, o)];
const METRICS = ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime'] as const;

describe('one deterministic run, computed by hand', () => {
  const vcpu = 1024 / 1769;
  const powerKW = (0.00074 + 0.5 * (0.0035 - 0.00074)) * vcpu + 0.0003725 * 1; // u = 0.5, 1 GB

  it('single function at home: SNS + Lambda cost, input transfer + execution carbon', () => {
    const input = syntheticInput({
      regions: [{ key: 'aws:us-east-1', ci: 200 }],
      instances: [{ name: 'a:entry_point:0', durations: { '*': [2] }, cpuUtilization: 0.5 }],
      startSizesGB: [8 * KIB],
    });
    for (const calc of both(prepareModel(input), { seed: 1 })) {
      const r = calc.evaluate([0]);
      close(r.average_cost, 5e-7 + 1.66667e-5 * 1 * 2 + 2e-7);
      close(r.average_carbon, 8 * KIB * 0.001 * 410 + ((2 * powerKW) / 3600) * 1.11 * 200);
      close(r.average_runtime, 2);
      close(r.tail_cost, r.average_cost);
      assert.equal(r.samples, 200, 'a constant converges at the first check');
    }
  });

  it('two functions in two regions: egress, route carbon, SNS requests and the latency fallback', () => {
    const input = syntheticInput({
      regions: [
        { key: 'aws:us-east-1', ci: 200, egressUsdPerGB: 0.02 },
        { key: 'aws:ca-central-1', ci: 100 },
      ],
      instances: [
        { name: 'a:entry_point:0', durations: { '*': [2] }, cpuUtilization: 0.5 },
        { name: 'b:a_0_0:1', durations: { '*': [3] }, cpuUtilization: 0.5 },
      ],
      edges: [{ from: 'a:entry_point:0', to: 'b:a_0_0:1', p: 1, sizesGB: [100 * KIB] }],
      latencyS: 0.05,
    });
    for (const calc of both(prepareModel(input), { seed: 1 })) {
      const r = calc.evaluate([0, 1]);
      const lambda = (s: number) => 1.66667e-5 * s + 2e-7;
      close(r.average_cost, 5e-7 + lambda(2) + 2 * 5e-7 + 100 * KIB * 0.02 + lambda(3));
      close(r.average_carbon, ((2 * powerKW) / 3600) * 1.11 * 200 + 100 * KIB * 0.001 * 150 + ((3 * powerKW) / 3600) * 1.11 * 100);
      // No observed latency: home default 0.22 s + (cloudping A→B − A→A) = 0.22 + (0.05 − 0.001).
      close(r.average_runtime, 2 + 0.22 + 0.049 + 3);
    }
  });
});

describe('Monte Carlo sampling', () => {
  const spread = syntheticInput({
    regions: [{ key: 'aws:us-east-1', ci: 200 }],
    instances: [{ name: 'a:entry_point:0', durations: { '*': [0.1, 0.2, 5, 40, 90] } }],
  });

  it('stops early once every mean is within ±5% at 95%, but keeps sampling when it is not', async () => {
    const dna = prepareModel(await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}dna_visualization.json`));
    assert.equal(new FastCalculator(dna, { seed: 3 }).evaluate([dna.home]).samples, 200);
    const wide = new FastCalculator(prepareModel(spread), { seed: 3 }).evaluate([0]);
    assert.ok(wide.samples > 200 && wide.samples <= 2000 && wide.samples % 200 === 0, `samples ${wide.samples}`);
    const forced = new FastCalculator(dna, { seed: 3, minSamples: 2000, maxSamples: 2000 }).evaluate([dna.home]);
    assert.equal(forced.samples, 2000);
  });

  it('draws every element of a list, the last one included', () => {
    const r = new SimpleCalculator(prepareModel(spread), { seed: 5, minSamples: 2000, maxSamples: 2000 }).evaluate([0]);
    // With 90 s never drawn the mean would be ≤ 11.3 s; the uniform mean of the five is 27.06 s.
    assert.ok(r.average_runtime > 20 && r.average_runtime < 34, `mean ${r.average_runtime}`);
    assert.equal(r.tail_runtime, 90);
  });

  it('is deterministic under a seed and changes with it', () => {
    const m = prepareModel(spread);
    const a = new FastCalculator(m, { seed: 9 }).evaluate([0]);
    const b = new FastCalculator(m, { seed: 9 }).evaluate([0]);
    const c = new FastCalculator(m, { seed: 10 }).evaluate([0]);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });
});

describe('simple and fast calculators agree on every example shape', () => {
  for (const shape of SHAPES) {
    it(shape, async () => {
      const m = prepareModel(await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}${shape}.json`));
      const placements = [
        new Array<number>(m.N).fill(m.home),
        m.permitted.map((p) => p[p.length - 1]!),
        m.permitted.map((p, i) => p[i % p.length]!),
      ];
      for (const hour of [3, 17] as const) {
        const opts = { minSamples: 600, maxSamples: 600 };
        const simple = new SimpleCalculator(m, { seed: 11, ...opts });
        const fast = new FastCalculator(m, { seed: 11, ...opts });
        const fastOther = new FastCalculator(m, { seed: 12345, ...opts });
        simple.setHour(hour);
        fast.setHour(hour);
        fastOther.setHour(hour);
        for (const p of placements) {
          // Same seed: the same model drawn in the same order gives the same numbers.
          const s: EvaluationResult = simple.evaluate(p);
          const f: EvaluationResult = fast.evaluate(p);
          for (const k of METRICS) close(s[k], f[k], 1e-9);
          // Independent streams: the means agree statistically (within 10%, far above 4 standard errors here).
          const o = fastOther.evaluate(p);
          for (const k of ['average_carbon', 'average_cost', 'average_runtime'] as const) {
            assert.ok(Math.abs(o[k] - s[k]) <= 0.1 * s[k], `${shape} ${k}: ${o[k]} vs ${s[k]}`);
          }
        }
      }
    });
  }
});
