// solveWorkflow: the per-hour loop (caribou-spec §7.2) with the configured algorithm honoured,
// numeric hours, a wall-clock budget per hour and a choice of calculator. The fast ("go")
// calculator runs hours in parallel on a worker pool that lives for this one solve.
import { nowMs } from './clock.js';
import { ValidationError } from '../errors.js';
import { createCalculator } from './calculators/index.js';
import { prepareModel } from './model.js';
import { solveHour, type HourSolution, type SolveHourParams } from './solve-hour.js';
import type { AlgorithmName, CalculatorOptions, CalculatorType, SolverInput } from './types.js';
import { defaultWorkerCount, solveHoursInWorkers } from './worker-pool.js';

export interface SolveOptions {
  /** UTC solve hours 0..23 (default [0]). */
  hours?: number[];
  /** Overrides the algorithm named in the workflow config. */
  algorithm?: AlgorithmName;
  /** 'simple' or 'go' (the fast calculator); default 'go'. */
  calculator?: CalculatorType;
  seed?: number;
  /** Wall-clock budget of one solve hour, in ms (default unlimited). */
  budgetMsPerHour?: number;
  /** Monte Carlo settings (samples, batch size, convergence target). */
  monteCarlo?: Omit<CalculatorOptions, 'seed'>;
  /**
   * Threads that solve hours with the fast calculator, the calling thread included: n > 1 solves on
   * the calling thread beside n - 1 worker threads (each takes the next unsolved hour); 0 or 1 = the
   * calling thread alone. 'auto' (default): one thread per core when there are at least 4 cores and
   * 2 hours, else the calling thread alone. On the 2-core development machine, shared with other
   * jobs, a second thread costs more than it saves: each thread warms its own JIT (+0.3..0.9 s CPU
   * for map_reduce's 4 hours) and the machine has no idle core to absorb it (docs/adr/0200).
   */
  workers?: number | 'auto';
}

export interface SolvedHour extends HourSolution {
  /** instance name → "<provider>:<region>". */
  placementByInstance: Record<string, string>;
}

export interface SolveResult {
  workflowId: string;
  algorithm: AlgorithmName;
  calculator: CalculatorType;
  seed: number;
  hours: SolvedHour[];
  timing: { seconds: number; evaluations: number; samples: number };
}

export function validateHours(hours: number[]): number[] {
  for (const h of hours) {
    if (!Number.isInteger(h) || h < 0 || h > 23) throw new ValidationError(`solve hour ${h} is not an integer hour between 0 and 23`);
  }
  return [...new Set(hours)].sort((a, b) => a - b);
}

export async function solveWorkflow(input: SolverInput, options: SolveOptions = {}): Promise<SolveResult> {
  const t0 = nowMs();
  const hours = validateHours(options.hours ?? [0]);
  if (hours.length === 0) throw new ValidationError('at least one solve hour is required');
  const algorithm = options.algorithm ?? input.algorithm;
  const calculatorType = options.calculator ?? 'go';
  const seed = options.seed ?? 0;
  const calculatorOptions: CalculatorOptions = { ...options.monteCarlo, seed };
  const params: SolveHourParams[] = hours.map((hour) => ({
    hour,
    algorithm,
    seed,
    budgetMs: options.budgetMsPerHour ?? Infinity,
    constraints: input.constraints,
  }));
  const model = prepareModel(input); // validates the graph up front, on the caller's thread

  let solutions: HourSolution[];
  const cores = defaultWorkerCount();
  const requested = options.workers ?? 'auto';
  const threads = requested === 'auto' ? (cores >= 4 && hours.length >= 2 ? cores : 1) : requested;
  let calculator: ReturnType<typeof createCalculator> | undefined; // made once the workers are starting
  const onThisThread = (p: SolveHourParams) => {
    calculator ??= createCalculator(calculatorType, model, calculatorOptions);
    return solveHour(model, calculator, p);
  };
  if (calculatorType === 'go' && threads > 1 && hours.length > 1) {
    solutions = await solveHoursInWorkers(input, calculatorType, calculatorOptions, params, threads - 1, onThisThread);
  } else {
    solutions = params.map(onThisThread);
  }
  const named = solutions.map((s) => ({
    ...s,
    placementByInstance: Object.fromEntries(model.instanceNames.map((n, i) => [n, model.regionKeys[s.placement[i]!]!])),
  }));
  return {
    workflowId: input.workflowId,
    algorithm,
    calculator: calculatorType,
    seed,
    hours: named,
    timing: {
      seconds: (nowMs() - t0) / 1000,
      evaluations: named.reduce((n, h) => n + h.evaluations, 0),
      samples: named.reduce((n, h) => n + h.samples, 0),
    },
  };
}
