// A pool of solver workers kept for one solve: each worker prepares the model once and then takes
// solve hours from a shared queue. Running from .ts sources (tsx), `execArgv: ['--import','tsx']`
// does not load a .ts worker entry on Node 20 (ERR_UNKNOWN_FILE_EXTENSION), and booting tsx inside
// every worker costs ~0.4 s each; so the worker entry is bundled once per process with esbuild
// (~50 ms) and started as plain JavaScript. From compiled .js, worker.js is started directly.
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ValidationError } from '../errors.js';
import type { HourSolution, SolveHourParams } from './solve-hour.js';
import type { CalculatorOptions, CalculatorType, SolverInput } from './types.js';

let bundledWorker: string | undefined;

function workerBundle(): string {
  if (bundledWorker === undefined) {
    const require = createRequire(import.meta.url);
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

function startWorker(workerData: unknown): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) return new Worker(workerBundle(), { eval: true, workerData });
  return new Worker(new URL('./worker.js', self), { workerData });
}

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

/** Solves the given hours on up to `workers` threads; results in the order of `params`. */
export async function solveHoursInWorkers(
  input: SolverInput,
  calculator: CalculatorType,
  calculatorOptions: CalculatorOptions,
  params: SolveHourParams[],
  workers: number,
): Promise<HourSolution[]> {
  const count = Math.max(1, Math.min(workers, params.length));
  const results = new Array<HourSolution | undefined>(params.length);
  let next = 0;
  const pool: Worker[] = [];
  try {
    await Promise.all(
      Array.from(
        { length: count },
        () =>
          new Promise<void>((resolve, reject) => {
            const worker = startWorker({ input, calculator, calculatorOptions });
            pool.push(worker);
            let current = -1;
            const dispatch = () => {
              if (next >= params.length) return resolve();
              current = next++;
              worker.postMessage({ type: 'hour', params: params[current] });
            };
            worker.on('message', (msg: { type: string; solution?: HourSolution; message?: string; name?: string }) => {
              if (msg.type === 'ready') return dispatch();
              if (msg.type === 'done') {
                results[current] = msg.solution;
                return dispatch();
              }
              const error =
                msg.name === 'ValidationError'
                  ? new ValidationError(msg.message ?? 'worker failed')
                  : new Error(msg.message ?? 'worker failed');
              reject(error);
            });
            worker.on('error', reject);
            worker.on('exit', (code) => {
              if (code !== 0) reject(new Error(`solver worker exited with code ${code}`));
            });
          }),
      ),
    );
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return results.map((r, i) => {
    if (!r) throw new Error(`solve hour ${params[i]!.hour} produced no result`);
    return r;
  });
}
