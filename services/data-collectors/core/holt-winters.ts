// Holt–Winters exponential smoothing with additive seasonality and no trend (period 24 h), as the
// Python system forecast the next day from a week of hourly intensities. Smoothing constants are
// chosen by a grid search minimising the one-step-ahead squared error over the history.

export interface HoltWintersFit {
  alpha: number;
  gamma: number;
  sse: number;
  /** Forecast of the next `period` values, in order. */
  forecast: number[];
}

function run(series: number[], period: number, alpha: number, gamma: number): { sse: number; level: number; season: number[] } {
  const first = series.slice(0, period);
  let level = first.reduce((s, x) => s + x, 0) / period;
  const season = first.map((x) => x - level);
  let sse = 0;
  for (let t = period; t < series.length; t += 1) {
    const s = season[t % period]!;
    const error = series[t]! - (level + s);
    sse += error * error;
    const newLevel = alpha * (series[t]! - s) + (1 - alpha) * level;
    season[t % period] = gamma * (series[t]! - newLevel) + (1 - gamma) * s;
    level = newLevel;
  }
  return { sse, level, season };
}

/** Needs at least two periods of history. */
export function holtWintersForecast(series: number[], period = 24): HoltWintersFit {
  if (series.length < 2 * period) throw new RangeError(`holtWintersForecast: need at least ${2 * period} values, got ${series.length}`);
  let best: { alpha: number; gamma: number; sse: number } = { alpha: 0.5, gamma: 0.5, sse: Infinity };
  for (let a = 1; a <= 9; a += 1) {
    for (let g = 1; g <= 9; g += 1) {
      const { sse } = run(series, period, a / 10, g / 10);
      if (sse < best.sse) best = { alpha: a / 10, gamma: g / 10, sse };
    }
  }
  const { level, season } = run(series, period, best.alpha, best.gamma);
  const n = series.length;
  const forecast = Array.from({ length: period }, (_, h) => level + season[(n + h) % period]!);
  return { ...best, forecast };
}
