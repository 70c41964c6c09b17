import type { PreparedModel } from '../model.js';
import type { CalculatorOptions, CalculatorType, DeploymentMetricsCalculator } from '../types.js';
import { FastCalculator } from './fast.js';
import { SimpleCalculator } from './simple.js';

/** "simple" is the reference implementation; "go" (the Python system's name) maps to the fast one. */
export function createCalculator(type: CalculatorType, model: PreparedModel, options: CalculatorOptions): DeploymentMetricsCalculator {
  return type === 'simple' ? new SimpleCalculator(model, options) : new FastCalculator(model, options);
}

export { FastCalculator, SimpleCalculator };
