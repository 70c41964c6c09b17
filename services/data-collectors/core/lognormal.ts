// Log-normal latency distributions: fitting cloudping's percentiles (least squares of the log
// values against the standard-normal quantiles, closed form) and deterministic samples (quantiles
// at the midpoints (i + 0.5)/n, so the same inputs give the same document).

/** Standard-normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

export interface LogNormal {
  /** Mean of log(x), x in seconds. */
  mu: number;
  /** Standard deviation of log(x); at least MIN_SIGMA. */
  sigma: number;
}
export const MIN_SIGMA = 1e-5;

/** Fits (μ, σ) to percentile values (probability → value > 0). Needs at least two distinct probabilities. */
export function fitLogNormal(percentiles: { p: number; value: number }[]): LogNormal {
  const points = percentiles.filter((x) => x.value > 0 && Number.isFinite(x.value));
  if (points.length === 0) throw new RangeError('fitLogNormal: no positive percentile value');
  const zs = points.map((x) => normalQuantile(x.p));
  const ys = points.map((x) => Math.log(x.value));
  const n = points.length;
  const zMean = zs.reduce((s, z) => s + z, 0) / n;
  const yMean = ys.reduce((s, y) => s + y, 0) / n;
  let szz = 0;
  let szy = 0;
  for (let i = 0; i < n; i += 1) {
    szz += (zs[i]! - zMean) ** 2;
    szy += (zs[i]! - zMean) * (ys[i]! - yMean);
  }
  const sigma = szz > 0 ? Math.max(MIN_SIGMA, szy / szz) : MIN_SIGMA;
  return { mu: yMean - sigma * zMean, sigma };
}

export const logNormalQuantile = (d: LogNormal, p: number) => Math.exp(d.mu + d.sigma * normalQuantile(p));

/** n deterministic samples: the quantiles at (i + 0.5)/n, rounded to the microsecond. */
export function deterministicSamples(d: LogNormal, n: number): number[] {
  return Array.from({ length: n }, (_, i) => round6(logNormalQuantile(d, (i + 0.5) / n)));
}

export const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
