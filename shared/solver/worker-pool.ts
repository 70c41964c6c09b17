// A pool of solver workers kept for one solve: each worker prepares the model once and then takes
// solve hours from a shared queue. The worker entry is started as plain JavaScript:
// - in the `caribou` CLI bundle, the prebuilt dist/cli/solver-worker.mjs (scripts/build-cli.ts
//   compiles its path in as __CARIBOU_SOLVER_WORKER__): no bundling at run time, no esbuild needed;
// - from compiled .js, worker.js next to this file;
// - from .ts sources (tsx: tests, benches), bundled once per process with esbuild (~50 ms):
//   `execArgv: ['--import','tsx']` does not load a .ts worker entry on Node 20
//   (ERR_UNKNOWN_FILE_EXTENSION), and booting tsx inside every worker costs ~0.4 s each.
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Worker as WorkerClass } from 'node:worker_threads';
import { ValidationError } from '../errors.js';
import type { HourSolution, SolveHourParams } from './solve-hour.js';
import type { CalculatorOptions, CalculatorType, SolverInput } from './types.js';

/** Replaced by scripts/build-cli.ts with the prebuilt worker's path; undefined elsewhere. */
declare const __CARIBOU_SOLVER_WORKER__: string | undefined;

/** The prebuilt worker entry this code was bundled with, if any and still on disk. */
export function prebuiltWorkerFile(): string | undefined {
  const file = typeof __CARIBOU_SOLVER_WORKER__ === 'string' ? __CARIBOU_SOLVER_WORKER__ : undefined;
  return file !== undefined && existsSync(file) ? file : undefined;
}

let bundledWorker: string | undefined;

function workerBundle(): string {
  if (bundledWorker === undefined) {
    // node:module only here (the tsx path): loading it up front cost every CLI solve its start-up.
    const require = process.getBuiltinModule('node:module').createRequire(import.meta.url);
    const esbuild = require('esbuild') as typeof import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
      bundle: true,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    bundledWorker = out.outputFiles[0]!.text;
  }
  return bundledWorker;
}

function startWorker(Worker: typeof WorkerClass, workerData: unknown): WorkerClass {
  const prebuilt = prebuiltWorkerFile();
  if (prebuilt !== undefined) return new Worker(prebuilt, { workerData });
  const self = import.meta.url;
  if (self.endsWith('.ts')) return new Worker(workerBundle(), { eval: true, workerData });
  return new Worker(new URL('./worker.js', self), { workerData });
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Solves the given hours on `workers` worker threads, plus the calling thread when `solveOnMain` is
 * given (it would otherwise wait idle). Every thread claims the next unsolved hour from a shared
 * counter, so a thread that is still starting takes fewer hours. Results in the order of `params`.
 */
export async function solveHoursInWorkers(
  input: SolverInput,
  calculator: CalculatorType,
  calculatorOptions: CalculatorOptions,
  params: SolveHourParams[],
  workers: number,
  solveOnMain?: (params: SolveHourParams) => HourSolution,
): Promise<HourSolution[]> {
  const count = Math.max(1, Math.min(workers, params.length - (solveOnMain ? 1 : 0)));
  const results = new Array<HourSolution | undefined>(params.length);
  const claim = new Int32Array(new SharedArrayBuffer(4));
  // Loaded when threads are started: a main-thread solve (2-core machines) never needs it.
  const { Worker } = await import('node:worker_threads');
  const pool: WorkerClass[] = [];
  try {
    const finished = Array.from(
      { length: count },
      () =>
        new Promise<void>((resolve, reject) => {
          const worker = startWorker(Worker, { input, calculator, calculatorOptions, params, claim });
          pool.push(worker);
          worker.on('message', (msg: { type: string; index?: number; solution?: HourSolution; message?: string; name?: string }) => {
            if (msg.type === 'done') results[msg.index!] = msg.solution;
            else if (msg.type === 'finished') resolve();
            else
              reject(
                msg.name === 'ValidationError'
                  ? new ValidationError(msg.message ?? 'worker failed')
                  : new Error(msg.message ?? 'worker failed'),
              );
          });
          worker.on('error', reject);
          worker.on('exit', (code) => {
            if (code !== 0) reject(new Error(`solver worker exited with code ${code}`));
          });
        }),
    );
    // Keep an early worker failure from being reported as unhandled while the main thread solves.
    const all = Promise.all(finished);
    all.catch(() => {});
    if (solveOnMain) {
      for (let index = Atomics.add(claim, 0, 1); index < params.length; index = Atomics.add(claim, 0, 1)) {
        results[index] = solveOnMain(params[index]!);
      }
    }
    await all;
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.map((r, i) => {
    if (!r) throw new Error(`solve hour ${params[i]!.hour} produced no result`);
    return r;
  });
}
