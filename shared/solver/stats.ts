// Sample statistics for the Monte Carlo calculators.

/** Mean of the first n values. */
export function mean(values: ArrayLike<number>, n = values.length): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += values[i]!;
  return n > 0 ? s / n : 0;
}

/**
 * numpy's default (linear interpolation) percentile of the first n values. `scratch` (length ≥ n)
 * is reordered in place; a quickselect finds the two order statistics in O(n) without allocating.
 */
export function percentileLinear(values: ArrayLike<number>, n: number, p: number, scratch: Float64Array): number {
  if (n === 0) return 0;
  for (let i = 0; i < n; i++) scratch[i] = values[i]!;
  const pos = (p / 100) * (n - 1);
  const lo = Math.floor(pos);
  const a = select(scratch, n, lo);
  if (lo + 1 >= n || pos === lo) return a;
  // After selecting index lo, everything right of it is ≥ it: the next order statistic is their minimum.
  let b = Infinity;
  for (let i = lo + 1; i < n; i++) if (scratch[i]! < b) b = scratch[i]!;
  return a + (b - a) * (pos - lo);
}

/** Hoare quickselect: places the k-th smallest of xs[0..n) at index k and returns it. */
function select(xs: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (right > left) {
    // Median of three as pivot.
    const mid = (left + right) >>> 1;
    const x = xs[left]!,
      y = xs[mid]!,
      z = xs[right]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = left;
    let j = right;
    while (i <= j) {
      while (xs[i]! < pivot) i++;
      while (xs[j]! > pivot) j--;
      if (i <= j) {
        const t = xs[i]!;
        xs[i] = xs[j]!;
        xs[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else break;
  }
  return xs[k]!;
}

/** Two-sided 97.5% quantile of Student's t with `df` degrees of freedom (Cornish–Fisher expansion; exact to ~1e-4 for df ≥ 10). */
export function studentT975(df: number): number {
  // Every evaluation asks for the same few df (its batch counts): remember the last one.
  if (df === lastT.df) return lastT.value;
  lastT.df = df;
  lastT.value = studentT975Of(df);
  return lastT.value;
}
const lastT = { df: Number.NaN, value: 0 };

function studentT975Of(df: number): number {
  const z = 1.959963984540054;
  const z3 = z ** 3,
    z5 = z ** 5,
    z7 = z ** 7;
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
