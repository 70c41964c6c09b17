// Sample statistics for the Monte Carlo calculators.

/** Mean of the first n values. */
export function mean(values: ArrayLike<number>, n = values.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  return n > 0 ? s / n : 0;
}

/** numpy's default (linear interpolation) percentile of the first n values; `scratch` is sorted in place. */
export function percentileLinear(values: ArrayLike<number>, n: number, p: number, scratch: Float64Array): number {
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) scratch[i] = values[i]!;
  const sorted = scratch.subarray(0, n).sort();
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** Two-sided 97.5% quantile of Student's t with `df` degrees of freedom (Cornish–Fisher expansion; exact to ~1e-4 for df ≥ 10). */
export function studentT975(df: number): number {
  const z = 1.959963984540054;
  const z3 = z ** 3, z5 = z ** 5, z7 = z ** 7;
  return z + (z3 + z) / (4 * df) + (5 * z5 + 16 * z3 + 3 * z) / (96 * df ** 2) + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3);
}

/** True when the 95% CI half-width of the mean of the first n values is within `relative` of the mean. */
export function meanConverged(values: ArrayLike<number>, n: number, relative: number): boolean {
  if (n < 2) return false;
  const m = mean(values, n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i]! - m;
    ss += d * d;
  }
  const sd = Math.sqrt(ss / (n - 1));
  const half = (studentT975(n - 1) * sd) / Math.sqrt(n);
  if (half === 0) return true;
  return half <= relative * Math.abs(m);
}
