// The deployment manager's token budget (caribou-spec §6), in grams of CO2e. A workflow earns
// tokens as it runs (what moving it could save) and spends them on solves (what solving emits);
// it is solved as often a day as its tokens pay for. Pure functions; docs/deployment-manager.md has
// a worked example. Constants keep the Python system's values, with the units they imply.
import type { AlgorithmName } from '../../../shared/solver/types.js';

/**
 * kWh per invocation-second a move between regions could act on (Python
 * CARBON_INTENSITY_TO_INVOCATION_SECOND_ESTIMATE). Income = spread of intensity (gCO2e/kWh) × this ×
 * runtime (s) × runs → gCO2e. Kept from the Python system: it is about 1,000× a 1-vCPU Lambda's real
 * draw (~3 W ≈ 8.3e-7 kWh/s), i.e. a deliberately generous income.
 */
export const INCOME_KWH_PER_INVOCATION_SECOND = 0.001;

/** kWh one solve spends per workflow instance, by algorithm (Python *_CARBON_PER_INSTANCE_INVOCATION_ESTIMATE). */
export const SOLVE_KWH_PER_INSTANCE: Record<'coarse' | 'stochastic', number> = {
  coarse: 0.00001,
  stochastic: 0.0001,
};

/** gCO2e charged once per instance of a solve for the migration it may cause (Python MIGRATION_COST_ESTIMATE, added as tokens). */
export const MIGRATION_GCO2E_PER_INSTANCE = 0.0001;

/** Seconds the sigmoid scales: σ(x) × this is the wait before the next check / the plan's life (Python DEFAULT_MONITOR_COOLDOWN). */
export const MONITOR_COOLDOWN_S = 86_400;

/** Runs needed before a never-solved workflow is first budgeted (Python MINIMAL_SOLVE_THRESHOLD). */
export const MINIMAL_SOLVE_RUNS = 10;

/** Regions within this great-circle distance of home count for the income spread, km (Python DISTANCE_FOR_POTENTIAL_MIGRATION). */
export const REACH_KM = 4000;

/** A never-solved workflow counts runs from this many days back (Python FORGETTING_TIME_DAYS). */
export const FORGETTING_DAYS = 30;

/** Intensity used when the system region has no carbon document, gCO2e/kWh (Python SOLVER_INPUT_GRID_CARBON_DEFAULT). */
export const DEFAULT_GRID_GCO2E_PER_KWH = 410;

/** Solves a day the budget may buy, cheapest first (spread evenly over 24 h). */
export const SOLVES_PER_DAY_LADDER = [1, 2, 3, 4, 6, 8, 12, 24] as const;

/** Algorithms in the order the ladder tries them (cheaper first). */
export const LADDER_ALGORITHMS = ['coarse', 'stochastic'] as const;

/** σ(x) = 3 / (1 + e^(−0.02 x)) − 1: range (−1, 2), σ(0) = 0.5 (12 h of the cooldown). */
export function sigmoid(x: number): number {
  return 3 / (1 + Math.exp(-0.02 * x)) - 1;
}

/** Seconds until the next check / the plan's expiry for a token amount: ⌊86,400 × σ(x)⌋, never negative. */
export function sigmoidDelayS(tokensGCO2e: number): number {
  return Math.max(0, Math.floor(MONITOR_COOLDOWN_S * sigmoid(tokensGCO2e)));
}

/** Population standard deviation (numpy's default), 0 for fewer than two values. */
export function populationStdDev(xs: number[]): number {
  if (xs.length < 2) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length);
}

export interface IncomeInputs {
  /** Overall intensity (gCO2e/kWh) of every candidate region within reach of home, home included. */
  reachableIntensitiesGCO2ePerKWh: number[];
  /** Observed end-to-end runtimes, s. */
  runtimeSamplesS: number[];
  /** Runs since the last solve. */
  newRuns: number;
}

export interface Income {
  spreadGCO2ePerKWh: number;
  meanRuntimeS: number;
  tokensGCO2e: number;
}

/** Income P = σ_pop(intensities within reach) × INCOME_KWH_PER_INVOCATION_SECOND × mean runtime × new runs. */
export function income(i: IncomeInputs): Income {
  const spread = populationStdDev(i.reachableIntensitiesGCO2ePerKWh);
  const finite = i.runtimeSamplesS.filter((x) => Number.isFinite(x));
  const meanRuntimeS = finite.length > 0 ? finite.reduce((a, b) => a + b, 0) / finite.length : 0;
  return {
    spreadGCO2ePerKWh: spread,
    meanRuntimeS,
    tokensGCO2e: spread * INCOME_KWH_PER_INVOCATION_SECOND * meanRuntimeS * Math.max(0, i.newRuns),
  };
}

/** Cost of k solves a day of N instances with an algorithm, gCO2e: N·k·e·CI_sys + N·migration. */
export function solveCostGCO2e(
  instances: number,
  solvesPerDay: number,
  algorithm: 'coarse' | 'stochastic',
  systemGCO2ePerKWh: number,
): number {
  return instances * solvesPerDay * SOLVE_KWH_PER_INSTANCE[algorithm] * systemGCO2ePerKWh + instances * MIGRATION_GCO2E_PER_INSTANCE;
}

export interface Affordable {
  solvesPerDay: number;
  algorithm: 'coarse' | 'stochastic';
  costGCO2e: number;
  leftoverGCO2e: number;
}

/**
 * The Python affordability search: algorithms cheap to dear, solves 1..24 a day; every option whose
 * cost is strictly below the budget is remembered, and the first that is not ends the search with
 * the last remembered (undefined when not even one coarse solve is affordable).
 */
export function affordability(budgetGCO2e: number, instances: number, systemGCO2ePerKWh: number): Affordable | undefined {
  let last: Affordable | undefined;
  for (const algorithm of LADDER_ALGORITHMS) {
    for (const k of SOLVES_PER_DAY_LADDER) {
      const cost = solveCostGCO2e(instances, k, algorithm, systemGCO2ePerKWh);
      if (!(cost < budgetGCO2e)) return last;
      last = { solvesPerDay: k, algorithm, costGCO2e: cost, leftoverGCO2e: budgetGCO2e - cost };
    }
  }
  return last;
}

/** UTC solve hours for k solves a day: every 24/k hours from 0 (k = 4 → 0, 6, 12, 18). */
export function solveHours(solvesPerDay: number): number[] {
  const step = Math.floor(24 / solvesPerDay);
  const hours: number[] = [];
  for (let h = 0; h < 24; h += step) hours.push(h);
  return hours;
}

/**
 * The algorithm a solve runs (the Python system computed one and then ignored it): what the budget
 * affords, except that a workflow configured for the cheaper coarse search keeps it, and one
 * configured for the exhaustive fine search gets it only when the dearer stochastic was affordable.
 */
export function algorithmToRun(afforded: 'coarse' | 'stochastic', configured: AlgorithmName): AlgorithmName {
  if (afforded === 'coarse') return 'coarse';
  return configured;
}

const DAY_MS = 86_400_000;
const dayStartMs = (iso: string) => Date.parse(`${iso.slice(0, 10)}T00:00:00.000Z`);

/**
 * Runs since the last solve from the daily counts ("YYYY-MM-DD" → runs). Days from the day of the
 * last solve on are summed and the runs of those days already seen at that solve are subtracted, so
 * runs later on the day of a solve count (the Python system, comparing day starts with the solve
 * instant, never counted them). Never solved: the last FORGETTING_DAYS days.
 */
export function runsSince(daily: Record<string, number>, lastSolvedAt: string | undefined, runsAtLastSolve: number, now: Date): number {
  const from = lastSolvedAt
    ? dayStartMs(lastSolvedAt)
    : dayStartMs(new Date(now.getTime() - FORGETTING_DAYS * DAY_MS).toISOString()) + DAY_MS;
  const total = runsOnOrAfter(daily, from);
  return Math.max(0, total - (lastSolvedAt ? runsAtLastSolve : 0));
}

/** Σ daily counts of days starting at or after `fromMs`. */
export function runsOnOrAfter(daily: Record<string, number>, fromMs: number): number {
  let n = 0;
  for (const [day, count] of Object.entries(daily)) {
    const t = dayStartMs(day);
    if (Number.isFinite(t) && t >= fromMs && Number.isFinite(count)) n += count;
  }
  return n;
}

/** What a solve at `now` records as runs_at_last_solve: the runs of today already synced. */
export function runsSeenToday(daily: Record<string, number>, now: Date): number {
  return runsOnOrAfter(daily, dayStartMs(now.toISOString()));
}
