// The sampling loop both calculators share: batches, early stop on convergence, mean and tail.
import { MC_DEFAULTS, TAIL_PERCENTILE } from '../constants.js';
import { mean, meanConverged, percentileLinear } from '../stats.js';
import type { CalculatorOptions, EvaluationResult } from '../types.js';

export interface ResolvedMcOptions {
  batchSize: number;
  minSamples: number;
  maxSamples: number;
  relativeCIHalfWidth: number;
}

export function resolveMcOptions(o: Partial<CalculatorOptions>): ResolvedMcOptions {
  const maxSamples = Math.max(1, o.maxSamples ?? MC_DEFAULTS.maxSamples);
  const minSamples = Math.min(maxSamples, Math.max(1, o.minSamples ?? MC_DEFAULTS.minSamples));
  return {
    batchSize: Math.max(1, o.batchSize ?? MC_DEFAULTS.batchSize),
    minSamples,
    maxSamples,
    relativeCIHalfWidth: o.relativeCIHalfWidth ?? MC_DEFAULTS.relativeCIHalfWidth,
  };
}

/** Sample buffers, allocated once per calculator. */
export class SampleBuffers {
  readonly cost: Float64Array;
  readonly runtime: Float64Array;
  readonly carbon: Float64Array;
  readonly scratch: Float64Array;
  constructor(maxSamples: number) {
    this.cost = new Float64Array(maxSamples);
    this.runtime = new Float64Array(maxSamples);
    this.carbon = new Float64Array(maxSamples);
    this.scratch = new Float64Array(maxSamples);
  }
}

/**
 * Draws samples in batches until every mean has converged (95% CI half-width within the relative
 * target) once at least minSamples are drawn, or maxSamples is reached. `draw(k)` fills index k.
 */
export function runSamples(draw: (k: number) => void, b: SampleBuffers, o: ResolvedMcOptions): EvaluationResult {
  let n = 0;
  while (n < o.maxSamples) {
    const end = Math.min(o.maxSamples, n + o.batchSize);
    for (; n < end; n++) draw(n);
    if (
      n >= o.minSamples &&
      meanConverged(b.cost, n, o.relativeCIHalfWidth) &&
      meanConverged(b.runtime, n, o.relativeCIHalfWidth) &&
      meanConverged(b.carbon, n, o.relativeCIHalfWidth)
    ) break;
  }
  return summarize(b, n);
}

export function summarize(b: SampleBuffers, n: number): EvaluationResult {
  return {
    average_cost: mean(b.cost, n),
    average_runtime: mean(b.runtime, n),
    average_carbon: mean(b.carbon, n),
    tail_cost: percentileLinear(b.cost, n, TAIL_PERCENTILE, b.scratch),
    tail_runtime: percentileLinear(b.runtime, n, TAIL_PERCENTILE, b.scratch),
    tail_carbon: percentileLinear(b.carbon, n, TAIL_PERCENTILE, b.scratch),
    samples: n,
  };
}
