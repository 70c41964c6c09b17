// Search quality against the exhaustive optimum under the model. Everything is measured on the same
// common draws: the search runs with a fixed sample count equal to the finalists' one and the same
// seed, so its values, the finalists' and the exhaustive search's are the same numbers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { exhaustiveOptimum } from '../../../shared/solver/algorithms/exhaustive.js';
import { loadSolverInput } from '../../../shared/solver/importer.js';
import { prepareModel } from '../../../shared/solver/model.js';
import { solveWorkflow } from '../../../shared/solver/solve.js';
import type { SolverInput } from '../../../shared/solver/types.js';
import { caseArb, REGION_KEYS, solveOne, withHardLimits } from './generators.js';
import { FIXTURES, syntheticInput } from './helpers.js';
import { compareSearches, FIXED, judge, notWorse, S } from './quality-compare.js';

function compare(input: SolverInput, hour: number, seed: number, label: string) {
  const r = compareSearches(input, hour, seed);
  assert.ok(r, `${label}: some deployment is compliant`);
  assert.deepEqual(r.failures, [], label);
  return r;
}

/** The generated cases of the first properties and of quality-scan.ts: restrictions, soft constraints, ≤ 4 × 6. */
const arb = fc.tuple(caseArb({ restrictions: true, soft: true, maxInstances: 4, maxRegions: 6 }), fc.integer({ min: 0, max: 1000 }));

describe('search quality against the exhaustive optimum', () => {
  it('entry pinned to home, others free (4 instances × 12 regions): finds "entry at home, everything else in the greenest region"', () => {
    const keys = REGION_KEYS;
    const ci = [420, 380, 250, 300, 35, 22, 290, 230, 330, 700, 480, 90];
    const green = ci.indexOf(Math.min(...ci));
    const names = ['a:entry_point:0', 'b:a_0_0:1', 'c:b_0_0:2', 'd:b_0_1:3'];
    const input = syntheticInput({
      regions: keys.map((key, r) => ({ key, ci: ci[r]! })),
      instances: names.map((name, i) => ({
        name,
        durations: { '*': [1 + i * 0.3, 1.2 + i * 0.3] },
        ...(i === 0 ? { permitted: [keys[0]!] } : {}),
      })),
      edges: [
        { from: names[0]!, to: names[1]! },
        { from: names[1]!, to: names[2]! },
        { from: names[1]!, to: names[3]! },
      ],
    });
    for (const seed of [1, 2, 3]) {
      const r = compare(input, 0, seed, `pinned entry, seed ${seed}`);
      assert.deepEqual(r.optPlacement, [0, green, green, green]);
      assert.deepEqual(r.stochasticPlacement, [0, green, green, green], `seed ${seed}`);
    }
  });

  it('generated cases (4 generator seeds × 150): coarse ≥ optimum, stochastic ≤ coarse and within 1% of the optimum on every one', () => {
    // Restrictions, soft constraints, hourly carbon; 1–4 instances × 3–6 regions. Every failure is
    // collected, so a regression lists all its cases as [generator seed, run] (replay: quality-scan.ts).
    const failures: string[] = [];
    let cases = 0;
    for (let genSeed = 0; genSeed < 4; genSeed++) {
      fc.sample(arb, { seed: genSeed, numRuns: 150 }).forEach(([c, seed], k) => {
        const r = compareSearches(c.input, c.hour, seed);
        if (!r) return;
        cases++;
        if (r.failures.length > 0) failures.push(`[${genSeed}, ${k + 1}] ${c.description}: ${r.failures.join('; ')}`);
      });
    }
    assert.deepEqual(failures, []);
    assert.ok(cases >= 560, `${cases} cases compared`);
  });

  it('the heuristic cases of 20 generator seeds × 150 (space above the search budget, not searched whole): within 1% on every one', () => {
    // Of the 6,450 cases of 43 generator seeds, 339 have more permitted deployments than the
    // stochastic budget (max(R·N·3, 256)); the others are searched whole. These are the ones the
    // heuristic decides (all 339: quality-scan.ts; none missed).
    const failures: string[] = [];
    let cases = 0;
    for (let genSeed = 0; genSeed < 20; genSeed++) {
      fc.sample(arb, { seed: genSeed, numRuns: 150 }).forEach(([c, seed], k) => {
        const m = prepareModel(c.input);
        if (m.permitted.reduce((n, p) => n * p.length, 1) <= Math.max(m.R * m.N * 3, 256)) return;
        const r = compareSearches(c.input, c.hour, seed);
        if (!r) return;
        cases++;
        if (r.failures.length > 0) failures.push(`[${genSeed}, ${k + 1}] ${c.description}: ${r.failures.join('; ')}`);
      });
    }
    assert.deepEqual(failures, []);
    assert.ok(cases >= 140, `${cases} cases compared`);
  });

  it('larger shape (3–4 instances × 7–12 regions, spaces up to 20,736; 2 generator seeds × 40): within 1% on every one', () => {
    // The shape of quality-scan.ts `0 10 50 4 4 7 12` and `100 10 50 3 4 7 12` (1,000 cases, 0
    // misses): the permitted space is above the budget, so the heuristic decides every case. The
    // seven cases the single-move predictions missed before the surrogate are replayed first.
    const larger = (minInstances: number) =>
      fc.tuple(
        caseArb({ restrictions: true, soft: true, minInstances, maxInstances: 4, minRegions: 7, maxRegions: 12 }),
        fc.integer({ min: 0, max: 1000 }),
      );
    const failures: string[] = [];
    let cases = 0;
    const check = (genSeed: number, minInstances: number, runs: number, only?: number) => {
      fc.sample(larger(minInstances), { seed: genSeed, numRuns: runs }).forEach(([c, seed], k) => {
        if (only !== undefined && k + 1 !== only) return;
        const r = compareSearches(c.input, c.hour, seed);
        if (!r) return;
        cases++;
        if (r.failures.length > 0) failures.push(`[${genSeed}, ${k + 1}] ${c.description}: ${r.failures.join('; ')}`);
      });
    };
    // [generator seed, run, least instances]: 1,1,1,1 instead of 0,3,0,8 (1.4×, a soft cost limit);
    // 7,7,5,7 instead of 9,9,5,9 (1.4×); 0,4,1,0 instead of 0,4,4,4 (1.9×); four more at +1–9%.
    const known: Array<[number, number, number]> = [
      [0, 40, 4],
      [1, 11, 4],
      [3, 29, 4],
      [7, 18, 4],
      [104, 47, 3],
      [105, 41, 3],
      [107, 3, 3],
    ];
    for (const [genSeed, run, minInstances] of known) check(genSeed, minInstances, run, run);
    check(20, 4, 40);
    check(120, 3, 40);
    assert.deepEqual(failures, []);
    assert.ok(cases >= 80, `${cases} cases compared`);
  });

  it('regression: cases earlier walks missed (two or three instances off the optimum, soft limits)', () => {
    // [generator seed, run] of `arb`. Before the pair and repair moves stochastic missed the first
    // nine (27/78: 1,1,4 instead of 0,4,4, +32% carbon; 16/124: 4,4,4 instead of 0,3,0, 5.3×;
    // 2016/124, 7/73, 100/117: a soft limit broken where a compliant plan existed); the pair moves
    // still missed the next five (14/88: 2,2,2,2 instead of 4,2,4,4, 3.0×); 15/102 was missed by a
    // first version of the guided moves.
    const known: Array<[number, number]> = [
      [27, 78],
      [40, 135],
      [16, 124],
      [2016, 124],
      [7, 73],
      [100, 117],
      [29, 99],
      [42, 8],
      [3016, 72],
      [0, 40],
      [14, 88],
      [25, 130],
      [31, 6],
      [35, 149],
      [15, 102],
    ];
    for (const [genSeed, run] of known) {
      const [c, seed] = fc.sample(arb, { seed: genSeed, numRuns: run })[run - 1]!;
      compare(c.input, c.hour, seed, `${genSeed}/${run}: ${c.description}`);
    }
  });

  it('property with another generator seed (150 cases)', () => {
    fc.assert(
      fc.property(
        caseArb({ restrictions: true, soft: true, maxInstances: 4, maxRegions: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (c, seed) => {
          compare(c.input, c.hour, seed, c.description);
        },
      ),
      { numRuns: 150, seed: 27, endOnFailure: true },
    );
  });

  it('property without soft constraints or restrictions (plain carbon)', () => {
    fc.assert(
      fc.property(caseArb({ maxInstances: 4, maxRegions: 6 }), fc.integer({ min: 0, max: 1000 }), (c, seed) => {
        compare(c.input, c.hour, seed, c.description);
      }),
      { numRuns: 30, seed: 2016, endOnFailure: true },
    );
  });
});

describe('search quality under hard constraints', () => {
  it('property: the optimum under the same bounds is never beaten, and stochastic stays within 1% of it', () => {
    let compared = 0;
    fc.assert(
      fc.property(
        caseArb({ hard: true, restrictions: true, maxInstances: 3, maxRegions: 6 }),
        fc.integer({ min: 0, max: 1000 }),
        (c, seed) => {
          const input = withHardLimits(c.input, c.hour, c.hardSpec);
          const j = judge(input, c.hour, seed);
          const opt = exhaustiveOptimum(j.model, j.calc, { hour: c.hour, seed, constraints: input.constraints, verifySamples: S });
          for (const algorithm of ['coarse', 'stochastic'] as const) {
            const h = solveOne(input, c.hour, algorithm, seed, FIXED, S);
            if (!opt.best) {
              assert.equal(h.fellBackToHome, true, `${c.description}: nothing is compliant, yet ${algorithm} chose a plan`);
              continue;
            }
            if (h.fellBackToHome) {
              assert.ok(algorithm === 'coarse', `${c.description}: stochastic kept home though ${opt.best.placement} complies`);
              continue;
            }
            const got = j.at(h.placement);
            const optimum = j.of(opt.best.metrics);
            assert.ok(notWorse(optimum, got), `${c.description}: ${algorithm} beats the optimum`);
            if (algorithm === 'stochastic') compared++;
            if (algorithm === 'stochastic')
              assert.ok(
                notWorse(got, optimum, 0.01),
                `${c.description}: stochastic ${JSON.stringify(got)} more than 1% above ${JSON.stringify(optimum)}`,
              );
          }
        },
      ),
      { numRuns: 40, seed: 3016, endOnFailure: true },
    );
    assert.ok(compared >= 20, `${compared} of 40 cases had a compliant plan to compare`);
  });

  it('map_reduce, tail cost ≤ 101% of home (default Monte Carlo): stochastic is never less green than coarse', async () => {
    // Before the coarse-first finalist round the walk's plans, selected for low point tails on 200
    // draws, all broke the 99.9% bound and home was kept in hours 0 and 12 (coarse: 30% and 19% greener).
    const input = await loadSolverInput(`${FIXTURES}data`, `${FIXTURES}map_reduce.json`);
    const limited = { ...input, constraints: { ...input.constraints, hard: { cost: { type: 'relative' as const, value: 101 } } } };
    const solve = (algorithm: 'coarse' | 'stochastic') =>
      solveWorkflow(limited, { hours: [0, 12], algorithm, seed: 1, workers: 0, calculator: 'go' });
    const [coarse, stochastic] = [await solve('coarse'), await solve('stochastic')];
    stochastic.hours.forEach((h, k) => {
      const c = coarse.hours[k]!;
      assert.equal(h.fellBackToHome, false, `hour ${h.hour}: ${h.reason}`);
      // Both judged on the same 4,000 common draws of the finalists (same seed and hour).
      assert.ok(
        h.metrics.average_carbon <= c.metrics.average_carbon * (1 + 1e-12),
        `hour ${h.hour}: ${h.metrics.average_carbon} > ${c.metrics.average_carbon}`,
      );
    });
  });
});
