// Electricity Maps API v3 (https://static.electricitymaps.com/api/docs/index.html): the last 7 days
// of hourly carbon intensity (`/v3/carbon-intensity/past-range`, life-cycle gCO2eq/kWh) and, where
// the plan allows, the next 24 h (`/v3/carbon-intensity/forecast`). Header `auth-token`.
import { CaribouError } from '../../../shared/errors.js';
import { holtWintersForecast } from './holt-winters.js';
import type { HttpPort } from './ports.js';
import { HttpStatusError } from './retry.js';

export class ElectricityMapsFormatError extends CaribouError {}

/** No grid emits more: the dirtiest measured grids are near 1,200 gCO2e/kWh (lignite ~1,100).
 * A larger value is a unit or format error, and refusing it keeps sums and forecasts finite. */
export const MAX_PLAUSIBLE_G_CO2E_PER_KWH = 5_000;

export interface HourlyPoint {
  datetime: string;
  gCO2ePerKWh: number;
}

/** The rows of an answer. A null intensity is a missing hour (left out, never written); any other
 * row that is not a parseable datetime with an intensity from 0 to MAX_PLAUSIBLE_G_CO2E_PER_KWH refuses the answer. */
function points(body: unknown, field: 'data' | 'forecast', url: string): HourlyPoint[] {
  const list = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)[field] : undefined;
  if (!Array.isArray(list)) throw new ElectricityMapsFormatError(`${url}: expected a "${field}" array`);
  const out: HourlyPoint[] = [];
  list.forEach((row: { datetime?: unknown; carbonIntensity?: unknown } | null, i) => {
    if (typeof row?.datetime !== 'string' || !Number.isFinite(Date.parse(row.datetime))) {
      throw new ElectricityMapsFormatError(
        `${url}: ${field}[${i}].datetime is not a date-time: ${JSON.stringify(row?.datetime)?.slice(0, 60)}`,
      );
    }
    if (row.carbonIntensity === null) return;
    if (
      typeof row.carbonIntensity !== 'number' ||
      !Number.isFinite(row.carbonIntensity) ||
      row.carbonIntensity < 0 ||
      row.carbonIntensity > MAX_PLAUSIBLE_G_CO2E_PER_KWH
    ) {
      throw new ElectricityMapsFormatError(
        `${url}: ${field}[${i}].carbonIntensity is not a number of gCO2e/kWh from 0 to ${MAX_PLAUSIBLE_G_CO2E_PER_KWH} or null: ${JSON.stringify(row.carbonIntensity)}`,
      );
    }
    out.push({ datetime: row.datetime, gCO2ePerKWh: row.carbonIntensity });
  });
  return out.sort((a, b) => Date.parse(a.datetime) - Date.parse(b.datetime));
}

export interface HourlyProfile {
  hourly: number[];
  profile: 'measured' | 'forecast';
  /** How the 24 values were obtained. */
  method: string;
  period: string;
}

const hourFloor = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000);
const isoZ = (d: Date) => d.toISOString().replace('.000Z', 'Z');

/** One series per hour from history: fills gaps with the previous value (the series must be regular for Holt–Winters). */
export function regularSeries(history: HourlyPoint[], startMs: number, endMs: number): number[] {
  const byHour = new Map(history.map((p) => [Math.floor(Date.parse(p.datetime) / 3_600_000), p.gCO2ePerKWh]));
  const series: number[] = [];
  let last: number | undefined = history[0]?.gCO2ePerKWh;
  for (let h = Math.floor(startMs / 3_600_000); h < Math.floor(endMs / 3_600_000); h += 1) {
    const value = byHour.get(h);
    if (value !== undefined) last = value;
    if (last !== undefined) series.push(last);
  }
  return series;
}

export async function electricityMapsProfile(
  http: HttpPort,
  options: { baseUrl: string; token: string; zone: string; nowMs: number; timeoutMs: number },
): Promise<HourlyProfile> {
  const end = hourFloor(options.nowMs);
  const start = new Date(end.getTime() - 7 * 24 * 3_600_000);
  const headers = { 'auth-token': options.token };
  const base = options.baseUrl.replace(/\/+$/, '');
  const historyUrl = `${base}/v3/carbon-intensity/past-range?zone=${encodeURIComponent(options.zone)}&start=${isoZ(start)}&end=${isoZ(end)}`;
  const history = points(await http.getJson(historyUrl, { headers, timeoutMs: options.timeoutMs }), 'data', historyUrl);
  const period = `${isoZ(start)}/${isoZ(end)}`;

  // Forecast where the plan allows it: 4xx means "not in your plan", other errors propagate.
  const forecastUrl = `${base}/v3/carbon-intensity/forecast?zone=${encodeURIComponent(options.zone)}`;
  try {
    const forecast = points(await http.getJson(forecastUrl, { headers, timeoutMs: options.timeoutMs }), 'forecast', forecastUrl).filter(
      (p) => Date.parse(p.datetime) >= end.getTime() && Date.parse(p.datetime) < end.getTime() + 24 * 3_600_000,
    );
    const hourly = new Array<number | undefined>(24).fill(undefined);
    for (const p of forecast) hourly[new Date(p.datetime).getUTCHours()] = p.gCO2ePerKWh;
    if (hourly.every((v) => v !== undefined)) {
      return {
        hourly: hourly as number[],
        profile: 'forecast',
        method: 'electricity-maps forecast',
        period: `${isoZ(end)}/${isoZ(new Date(end.getTime() + 24 * 3_600_000))}`,
      };
    }
  } catch (error) {
    if (!(error instanceof HttpStatusError && error.status >= 400 && error.status < 500) && !(error instanceof ElectricityMapsFormatError))
      throw error;
  }

  const series = regularSeries(history, start.getTime(), end.getTime());
  if (series.length >= 48) {
    const fit = holtWintersForecast(series, 24);
    // forecast[h] is the value h hours after `end`; index by UTC hour of day.
    const hourly = new Array<number>(24);
    const firstHour = end.getUTCHours();
    fit.forecast.forEach((v, h) => {
      hourly[(firstHour + h) % 24] = Math.max(0, Math.round(v * 100) / 100);
    });
    return {
      hourly,
      profile: 'forecast',
      method: `holt-winters additive, period 24 h, alpha ${fit.alpha}, gamma ${fit.gamma}, from ${history.length} hourly values`,
      period,
    };
  }
  // Too little history to forecast: the mean of each hour of day over what there is.
  const sums = new Array<number>(24).fill(0);
  const counts = new Array<number>(24).fill(0);
  for (const p of history) {
    const h = new Date(p.datetime).getUTCHours();
    sums[h]! += p.gCO2ePerKWh;
    counts[h]! += 1;
  }
  if (counts.some((c) => c === 0))
    throw new ElectricityMapsFormatError(`${historyUrl}: only ${history.length} hourly values, some hours of the day missing`);
  return { hourly: sums.map((s, h) => s / counts[h]!), profile: 'measured', method: 'mean per hour of day', period };
}
