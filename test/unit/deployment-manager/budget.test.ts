import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  affordability,
  algorithmToRun,
  income,
  populationStdDev,
  runsSeenToday,
  runsSince,
  sigmoid,
  sigmoidDelayS,
  solveCostGCO2e,
  solveHours,
} from '../../../services/deployment-manager/core/budget.js';
import { solveBudgetS } from '../../../services/deployment-manager/core/run-algorithm.js';

const close = (a: number, b: number, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps, `${a} ≈ ${b}`);

describe('token budget (gCO2e)', () => {
  it('income: spread of intensity within reach × 0.001 kWh/invocation-s × mean runtime × new runs', () => {
    // Two regions within reach, 400 and 30 gCO2e/kWh: population std-dev 185.
    close(populationStdDev([400, 30]), 185);
    const p = income({ reachableIntensitiesGCO2ePerKWh: [400, 30], runtimeSamplesS: [2, 3, 4], newRuns: 50 });
    close(p.spreadGCO2ePerKWh, 185);
    close(p.meanRuntimeS, 3);
    close(p.tokensGCO2e, 185 * 0.001 * 3 * 50); // 27.75 g
    assert.equal(
      income({ reachableIntensitiesGCO2ePerKWh: [400], runtimeSamplesS: [2], newRuns: 50 }).tokensGCO2e,
      0,
      'one region: nothing to gain',
    );
    assert.equal(
      income({ reachableIntensitiesGCO2ePerKWh: [400, 30], runtimeSamplesS: [], newRuns: 50 }).tokensGCO2e,
      0,
      'no runtime samples',
    );
  });

  it('cost of a solve: N × k × kWh per instance × system intensity + N × 0.0001 g', () => {
    close(solveCostGCO2e(2, 24, 'stochastic', 400), 2 * 24 * 1e-4 * 400 + 2 * 1e-4); // 1.9202 g
    close(solveCostGCO2e(10, 1, 'coarse', 400), 10 * 1e-5 * 400 + 10 * 1e-4); // 0.041 g
  });

  it('the ladder: cheapest first, the first unaffordable option ends the search', () => {
    // Rich: everything affordable → stochastic, 24 solves a day.
    const rich = affordability(27.75, 2, 400)!;
    assert.deepEqual({ k: rich.solvesPerDay, a: rich.algorithm }, { k: 24, a: 'stochastic' });
    close(rich.leftoverGCO2e, 27.75 - 1.9202);
    // N = 10, CI 400: coarse k solves cost 0.04 k + 0.001 → 6 a day fit in 0.3 g, 8 (0.321 g) do not.
    const poor = affordability(0.3, 10, 400)!;
    assert.deepEqual({ k: poor.solvesPerDay, a: poor.algorithm }, { k: 6, a: 'coarse' });
    close(poor.leftoverGCO2e, 0.3 - 0.241);
    // 1 g: every coarse option (24 cost 0.961 g) then stochastic 1 (0.401) and 2 (0.801), not 3 (1.201).
    const mid = affordability(1, 10, 400)!;
    assert.deepEqual({ k: mid.solvesPerDay, a: mid.algorithm }, { k: 2, a: 'stochastic' });
    // Strictly below: a budget equal to the cheapest cost buys nothing.
    assert.equal(affordability(solveCostGCO2e(10, 1, 'coarse', 400), 10, 400), undefined);
    assert.equal(affordability(0, 1, 400), undefined);
  });

  it('solve hours spread k solves over the day', () => {
    assert.deepEqual(solveHours(1), [0]);
    assert.deepEqual(solveHours(2), [0, 12]);
    assert.deepEqual(solveHours(3), [0, 8, 16]);
    assert.deepEqual(solveHours(4), [0, 6, 12, 18]);
    assert.deepEqual(solveHours(6), [0, 4, 8, 12, 16, 20]);
    assert.deepEqual(solveHours(8), [0, 3, 6, 9, 12, 15, 18, 21]);
    assert.equal(solveHours(12).length, 12);
    assert.deepEqual(
      solveHours(24),
      Array.from({ length: 24 }, (_, h) => h),
    );
  });

  it('sigmoid: 3 / (1 + e^(−0.02 x)) − 1, scaled to a day', () => {
    assert.equal(sigmoid(0), 0.5);
    close(sigmoid(10), 0.6495, 1e-4);
    assert.ok(sigmoid(500) < 2 && sigmoid(500) > 1.99 && sigmoid(-500) > -1);
    assert.equal(sigmoidDelayS(0), 43_200, 'σ(0) → 12 h');
    assert.equal(sigmoidDelayS(23), Math.floor(86_400 * sigmoid(23)));
    assert.equal(sigmoidDelayS(-1e6), 0, 'never in the past');
  });

  it('the algorithm the budget chose is the one run (configured coarse/fine honoured when affordable)', () => {
    assert.equal(algorithmToRun('coarse', 'stochastic'), 'coarse');
    assert.equal(algorithmToRun('coarse', 'fine'), 'coarse');
    assert.equal(algorithmToRun('stochastic', 'stochastic'), 'stochastic');
    assert.equal(algorithmToRun('stochastic', 'coarse'), 'coarse');
    assert.equal(algorithmToRun('stochastic', 'fine'), 'fine');
  });

  it('counts new runs since the last solve, including later runs of the solve day', () => {
    const now = new Date('2026-12-01T12:00:00Z');
    const daily = { '2026-10-01': 100, '2026-11-20': 5, '2026-11-30': 7, '2026-12-01': 4 };
    assert.equal(runsSince(daily, undefined, 0, now), 16, 'never solved: the last 30 days');
    // Solved on 30 Nov when 3 of that day's runs were synced: 4 more that day + 4 today.
    assert.equal(runsSince(daily, '2026-11-30T09:00:00Z', 3, now), 8);
    assert.equal(runsSeenToday(daily, now), 4);
    assert.equal(runsSince(daily, '2026-12-01T12:00:00Z', 4, now), 0);
  });

  it('the solver budget comes from the remaining Lambda time', () => {
    assert.equal(solveBudgetS(900_000), 800);
    assert.equal(solveBudgetS(300_000), 240);
    assert.equal(solveBudgetS(10_000), 5);
  });
});
