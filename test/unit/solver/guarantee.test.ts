import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { createCalculator } from '../../../shared/solver/calculators/index.js';
import { normalQuantile, quantileBoundRanks } from '../../../shared/solver/guarantee.js';
import { prepareModel } from '../../../shared/solver/model.js';
import { failsHardConstraints } from '../../../shared/solver/ranker.js';
import type { SolverInput } from '../../../shared/solver/types.js';
import { caseArb, solveOne, withHardLimits } from './generators.js';
import { FIXTURES, syntheticInput } from './helpers.js';
import { loadSolverInput, recheckPlan } from '../../../shared/solver/index.js';

/** Independent judge: 20,000 draws on a seed the solver never used. */
function recheck(input: SolverInput, hour: number, placement: number[]) {
  const calc = createCalculator('go', prepareModel(input), { seed: 0xdecaf, minSamples: 20_000, maxSamples: 20_000, batchSize: 20_000 });
  calc.setHour(hour);
  const home = calc.evaluate(new Array<number>(placement.length).fill(input.regions.indexOf(input.homeRegion)));
  return { plan: calc.evaluate(placement), home };
}

describe('confidence bounds of the tail', () => {
  it('uses order statistics around the 95th percentile that widen with the confidence', () => {
    assert.ok(Math.abs(normalQuantile(0.999) - 3.0902323) < 1e-6);
    assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
    assert.ok(Math.abs(normalQuantile(0.01) + 2.3263479) < 1e-6);
    const r = quantileBoundRanks(4000, 0.95, 0.999);
    assert.deepEqual(r, { lo: 3757, hi: 3844 }); // p93.9 and p96.1 of the draws
    const tight = quantileBoundRanks(4000, 0.95, 0.9);
    assert.ok(tight.lo > r.lo && tight.hi < r.hi);
  });
});

describe('hard constraints as guarantees', () => {
  it('a hard cost limit just above home: the plan never breaks it when re-checked on 20,000 other draws', () => {
    // One function; the greener region is ~1% dearer in tail cost only through its egress price.
    const input = syntheticInput({
      regions: [
        { key: 'aws:us-east-1', ci: 400, egressUsdPerGB: 0.02 },
        { key: 'aws:ca-central-1', ci: 30, egressUsdPerGB: 0.09 },
        { key: 'aws:eu-north-1', ci: 20, egressUsdPerGB: 0.09 },
      ],
      instances: [{ name: 'f0:entry_point:0', durations: { '*': [0.1, 0.12, 0.15, 0.2] } }],
      startSizesGB: [1e-3],
    });
    for (const factor of [1.0, 1.005, 1.01, 1.02]) {
      const limited = withHardLimits(input, 0, [{ metric: 'cost', type: 'absolute', factor }]);
      for (const algorithm of ['coarse', 'stochastic'] as const) {
        for (const seed of [1, 2, 3, 4, 5]) {
          const h = solveOne(limited, 0, algorithm, seed);
          const { plan, home } = recheck(limited, 0, h.placement);
          if (h.fellBackToHome) assert.ok(h.reason, 'a fallback says why');
          else
            assert.equal(
              failsHardConstraints(plan, home, limited.constraints.hard),
              false,
              `factor ${factor} ${algorithm} seed ${seed}: tail cost ${plan.tail_cost} > ${limited.constraints.hard.cost!.value}`,
            );
          assert.ok(h.verification, 'finalists verified on common draws');
        }
      }
    }
  });

  it('says why when the search best breaks a bound and why home is kept', () => {
    const input = syntheticInput({
      regions: [
        { key: 'aws:us-east-1', ci: 400 },
        { key: 'aws:eu-north-1', ci: 20 },
      ],
      instances: [{ name: 'f0:entry_point:0', durations: { 'aws:us-east-1': [1, 1.1], 'aws:eu-north-1': [1.2, 1.4] } }],
    });
    const impossible = { ...input, constraints: { ...input.constraints, hard: { runtime: { type: 'absolute' as const, value: 0.5 } } } };
    const h = solveOne(impossible, 0, 'coarse', 1);
    assert.equal(h.fellBackToHome, true);
    assert.match(h.reason!, /home deployment is kept/);
    // 1.25 s: the search's point estimate for eu-north-1 (p95 of {1.2,1.4} mixes) may pass, its bound does not.
    const tight = { ...input, constraints: { ...input.constraints, hard: { runtime: { type: 'absolute' as const, value: 1.39 } } } };
    const t = solveOne(tight, 0, 'coarse', 1);
    assert.deepEqual(t.placement, [0]);
    assert.equal(t.fellBackToHome, false);
  });

  it('re-ranks the top candidates on common draws when the search measured them on unequal sample counts', () => {
    // Noisy and steady regions converge after different sample counts in the search.
    const input = syntheticInput({
      regions: [
        { key: 'aws:us-east-1', ci: 400 },
        { key: 'aws:ca-central-1', ci: 30 },
        { key: 'aws:eu-north-1', ci: 64 },
      ],
      instances: [
        {
          name: 'f0:entry_point:0',
          durations: { 'aws:us-east-1': [1, 1.1], 'aws:ca-central-1': [0.2, 1.5, 0.4, 3], 'aws:eu-north-1': [0.5, 0.6, 0.55, 0.65] },
        },
      ],
    });
    const h = solveOne(input, 0, 'coarse', 3, { minSamples: 50, maxSamples: 2000, batchSize: 50, relativeCIHalfWidth: 0.02 });
    assert.ok(h.verification && h.verification.deployments === 3, 'home and both finalists re-evaluated');
    // The choice and its metrics are those of 4,000 common draws.
    const calc = createCalculator('go', prepareModel(input), { seed: 3, minSamples: 4000, maxSamples: 4000, batchSize: 4000 });
    calc.setHour(0);
    const carbon = [0, 1, 2].map((r) => calc.evaluate([r]).average_carbon);
    assert.equal(h.placement[0], carbon.indexOf(Math.min(...carbon)));
    assert.equal(h.metrics.average_carbon, Math.min(...carbon));
    // A fixed sample count as large as the finalists' makes the search's own comparisons final.
    const fixed = solveOne(input, 0, 'coarse', 3, { minSamples: 400, maxSamples: 400, batchSize: 400 }, 400);
    assert.equal(fixed.verification, undefined);
  });

  it('property: every chosen plan meets every hard constraint on 20,000 independent draws', () => {
    let chosen = 0;
    let fallbacks = 0;
    fc.assert(
      fc.property(
        caseArb({ hard: true, soft: true, restrictions: true, maxInstances: 3, maxRegions: 5 }),
        fc.constantFrom('coarse', 'stochastic' as const),
        fc.integer({ min: 0, max: 1000 }),
        (c, algorithm, seed) => {
          const input = withHardLimits(c.input, c.hour, c.hardSpec);
          const h = solveOne(input, c.hour, algorithm as 'coarse' | 'stochastic', seed);
          if (h.fellBackToHome) {
            fallbacks++;
            assert.ok(h.reason, 'a fallback says why');
            return;
          }
          chosen++;
          const { plan, home } = recheck(input, c.hour, h.placement);
          assert.equal(
            failsHardConstraints(plan, home, input.constraints.hard),
            false,
            `${c.description}: ${JSON.stringify(input.constraints.hard)} broken by ${JSON.stringify(plan)} (home ${JSON.stringify(home)})`,
          );
        },
      ),
      { numRuns: 60, seed: 16, endOnFailure: true },
    );
    assert.ok(chosen >= 20, `most generated cases choose a plan (${chosen} chosen, ${fallbacks} kept home)`);
  });

  it('map_reduce (fixture, 11 instances × 12 regions): hard limits near home hold on 20,000 independent draws', async () => {
    const input = await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}map_reduce.json`);
    const settings = [
      { cost: { type: 'relative' as const, value: 101 } },
      { runtime: { type: 'relative' as const, value: 102 }, cost: { type: 'relative' as const, value: 105 } },
    ];
    for (const hard of settings) {
      const limited = { ...input, constraints: { ...input.constraints, hard } };
      for (const algorithm of ['coarse', 'stochastic'] as const) {
        const h = solveOne(limited, 12, algorithm, 5, { minSamples: 200, maxSamples: 2000, batchSize: 200 });
        if (h.fellBackToHome) {
          assert.ok(h.reason);
          continue;
        }
        const model = prepareModel(limited);
        const { plan, home, broken } = recheckPlan(model, createCalculator('go', model, { seed: 1 }), hard, 12, h.placement);
        assert.deepEqual(broken, [], `${JSON.stringify(hard)} ${algorithm}: ${JSON.stringify(plan)} vs home ${JSON.stringify(home)}`);
        assert.ok(plan.average_carbon <= home.average_carbon, 'never less green than home');
      }
    }
  });
});
