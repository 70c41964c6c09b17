// Worker thread of the fast solver: prepares the model once, keeps one calculator, and solves hours
// it claims from the shared counter (worker-pool.ts) until none is left. Each hour's result depends
// only on its own params (the calculator is reseeded per hour), so which thread solves it does not
// matter. Messages out: {type:'done', index, solution} per hour, then {type:'finished'}; or
// {type:'error', message, name}.
import { parentPort, workerData } from 'node:worker_threads';
import { createCalculator } from './calculators/index.js';
import { prepareModel } from './model.js';
import { solveHour, type SolveHourParams } from './solve-hour.js';
import type { CalculatorOptions, CalculatorType, SolverInput } from './types.js';

interface WorkerInit {
  input: SolverInput;
  calculator: CalculatorType;
  calculatorOptions: CalculatorOptions;
  params: SolveHourParams[];
  /** Int32Array over a SharedArrayBuffer: [0] is the index of the next unclaimed hour. */
  claim: Int32Array;
}

const init = workerData as WorkerInit;
const port = parentPort!;
try {
  const model = prepareModel(init.input);
  const calculator = createCalculator(init.calculator, model, init.calculatorOptions);
  for (let index = Atomics.add(init.claim, 0, 1); index < init.params.length; index = Atomics.add(init.claim, 0, 1)) {
    port.postMessage({ type: 'done', index, solution: solveHour(model, calculator, init.params[index]!) });
  }
  port.postMessage({ type: 'finished' });
} catch (error) {
  port.postMessage({ type: 'error', message: (error as Error).message, name: (error as Error).name });
}
