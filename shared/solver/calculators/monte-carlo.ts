// The sampling loop both calculators share: batches, early stop on convergence, mean and tail.
import { MC_DEFAULTS, TAIL_PERCENTILE } from '../constants.js';
import { mean, percentileLinear, studentT975 } from '../stats.js';
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

/** Running sums of one metric (shifted by its first value against cancellation). */
class Moments {
  private shift = 0;
  private sum = 0;
  private sumSq = 0;
  private n = 0;
  reset(): void {
    this.shift = 0;
    this.sum = 0;
    this.sumSq = 0;
    this.n = 0;
  }
  add(values: Float64Array, from: number, to: number): void {
    if (this.n === 0 && to > from) this.shift = values[from]!;
    const c = this.shift;
    let s = 0;
    let q = 0;
    for (let i = from; i < to; i++) {
      const d = values[i]! - c;
      s += d;
      q += d * d;
    }
    this.sum += s;
    this.sumSq += q;
    this.n += to - from;
  }
  /** 95% CI half-width of the mean within `relative` of the mean. */
  converged(relative: number): boolean {
    const n = this.n;
    if (n < 2) return false;
    const m = this.sum / n;
    const variance = Math.max(0, (this.sumSq - n * m * m) / (n - 1));
    const half = (studentT975(n - 1) * Math.sqrt(variance)) / Math.sqrt(n);
    if (half === 0) return true;
    return half <= relative * Math.abs(m + this.shift);
  }
}

/** Convergence state of the three metrics for one evaluation. */
export class Convergence {
  private readonly cost = new Moments();
  private readonly runtime = new Moments();
  private readonly carbon = new Moments();
  reset(): void {
    this.cost.reset();
    this.runtime.reset();
    this.carbon.reset();
  }
  /** Adds samples [from, to) and tells whether every mean has converged. */
  update(b: SampleBuffers, from: number, to: number, relative: number): boolean {
    this.cost.add(b.cost, from, to);
    this.runtime.add(b.runtime, from, to);
    this.carbon.add(b.carbon, from, to);
    return this.cost.converged(relative) && this.runtime.converged(relative) && this.carbon.converged(relative);
  }
}

/**
 * Draws samples in batches until every mean has converged (95% CI half-width within the relative
 * target) once at least minSamples are drawn, or maxSamples is reached. `draw(k)` fills index k.
 */
export function runSamples(draw: (k: number) => void, b: SampleBuffers, o: ResolvedMcOptions, c = new Convergence()): EvaluationResult {
  c.reset();
  let n = 0;
  while (n < o.maxSamples) {
    const start = n;
    const end = Math.min(o.maxSamples, n + o.batchSize);
    for (; n < end; n++) draw(n);
    const converged = c.update(b, start, n, o.relativeCIHalfWidth);
    if (n >= o.minSamples && converged) break;
  }
  return summarize(b, n);
}

/**
 * The sample set the last summarize() call read (per thread). The constraint guarantee
 * (guarantee.ts) reads order statistics of exactly those draws right after an evaluation, without
 * the calculators exposing their buffers; `serial` tells it the set is fresh.
 */
export const lastSampleSet: { buffers: SampleBuffers | undefined; n: number; serial: number } = { buffers: undefined, n: 0, serial: 0 };

export function summarize(b: SampleBuffers, n: number): EvaluationResult {
  lastSampleSet.buffers = b;
  lastSampleSet.n = n;
  lastSampleSet.serial++;
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
