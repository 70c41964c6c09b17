// Worker thread of the fast solver: prepares the model once, keeps one calculator, and solves the
// hours it is handed. Messages: {type:'hour', params} → {type:'done', solution} | {type:'error'}.
import { parentPort, workerData } from 'node:worker_threads';
import { createCalculator } from './calculators/index.js';
import { prepareModel } from './model.js';
import { solveHour, type SolveHourParams } from './solve-hour.js';
import type { CalculatorOptions, CalculatorType, SolverInput } from './types.js';

interface WorkerInit {
  input: SolverInput;
  calculator: CalculatorType;
  calculatorOptions: CalculatorOptions;
}

const init = workerData as WorkerInit;
const port = parentPort!;
try {
  const model = prepareModel(init.input);
  const calculator = createCalculator(init.calculator, model, init.calculatorOptions);
  port.on('message', (msg: { type: 'hour'; params: SolveHourParams }) => {
    try {
      port.postMessage({ type: 'done', solution: solveHour(model, calculator, msg.params) });
    } catch (error) {
      port.postMessage({ type: 'error', message: (error as Error).message, name: (error as Error).name });
    }
  });
  port.postMessage({ type: 'ready' });
} catch (error) {
  port.postMessage({ type: 'error', message: (error as Error).message, name: (error as Error).name });
}
