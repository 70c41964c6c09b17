// Performance collector: latency distributions (seconds) for every ordered pair of regions.
//   cloudping-http  — a configurable URL answering in cloudping's format
//                     (`?percentile=p_50&timeframe=1W` → {"data": {from: {to: ms}}}), seven
//                     percentiles fitted to a log-normal (in seconds: the Python system left its
//                     150 ms fallback in ms);
//   distance-model  — median = overhead + 2 × great-circle distance × route factor / fibre speed,
//                     log-normal spread σ (docs/data.md compares it with cloudping medians).
// Pairs the HTTP source lacks are modelled, and the provenance says how many.
import { COLLECTED_TABLES, type LatencyDistribution, type PerformanceDocument } from '../../../shared/contracts/collected-data.js';
import { regionKey, type EmbeddedRegion } from '../data/regions.js';
import { greatCircleKm } from './geo.js';
import { deterministicSamples, fitLogNormal, logNormalQuantile, round6, type LogNormal } from './lognormal.js';
import type { Clock, CollectedStore, HttpPort, RegionLister } from './ports.js';
import { newReport, writeChecked, type CollectorReport } from './report.js';
import { resolveRegions } from './regions.js';
import { withRetry } from './retry.js';
import { CaribouError } from '../../../shared/errors.js';

export const PERFORMANCE_SOURCES = ['cloudping-http', 'distance-model'] as const;
export type PerformanceSource = (typeof PERFORMANCE_SOURCES)[number];

/** cloudping's percentiles and their probabilities. */
export const CLOUDPING_PERCENTILES: { name: string; p: number }[] = [
  { name: 'p_10', p: 0.1 },
  { name: 'p_25', p: 0.25 },
  { name: 'p_50', p: 0.5 },
  { name: 'p_75', p: 0.75 },
  { name: 'p_90', p: 0.9 },
  { name: 'p_98', p: 0.98 },
  { name: 'p_99', p: 0.99 },
];

/** Parameters of the distance model (docs/data.md). */
export const DISTANCE_MODEL = {
  /** Light in optical fibre: c / 1.47 ≈ 204,000 km/s, rounded. */
  fibreKmPerS: 200_000,
  /** Fibre routes are longer than the great circle (cable paths, landings). */
  routeFactor: 1.35,
  /** Round trip, as cloudping measures (a message hop needs at least one). */
  roundTrips: 2,
  /** Fixed cost of a hop: TLS/queue front ends, in seconds. */
  overheadS: 0.005,
  /** Log-normal σ of the spread around the median. */
  sigma: 0.1,
} as const;
export const SAMPLES_PER_PAIR = 50;

export function distanceModel(from: EmbeddedRegion, to: EmbeddedRegion): LogNormal {
  const km = greatCircleKm(from, to);
  const medianS = DISTANCE_MODEL.overheadS + (DISTANCE_MODEL.roundTrips * km * DISTANCE_MODEL.routeFactor) / DISTANCE_MODEL.fibreKmPerS;
  return { mu: Math.log(medianS), sigma: DISTANCE_MODEL.sigma };
}

export function distribution(d: LogNormal, samples = SAMPLES_PER_PAIR): LatencyDistribution {
  return { samplesS: deterministicSamples(d, samples), medianS: round6(Math.exp(d.mu)), p95S: round6(logNormalQuantile(d, 0.95)) };
}

export type CloudpingMatrices = Record<string, Record<string, Record<string, number>>>;

/** A cloudping answer that is not `{"data": {from: {to: ms}}}`. */
export class CloudpingFormatError extends CaribouError {}

/** GET every percentile; `{ data: { from: { to: ms } } }` per percentile name. */
export async function fetchCloudping(
  http: HttpPort,
  url: string,
  timeoutMs: number,
  retry: (what: string, op: () => Promise<unknown>) => Promise<unknown>,
): Promise<CloudpingMatrices> {
  const out: CloudpingMatrices = {};
  for (const { name } of CLOUDPING_PERCENTILES) {
    const sep = url.includes('?') ? '&' : '?';
    const full = `${url}${sep}percentile=${name}&timeframe=1W`;
    const body = (await retry(`cloudping ${name}`, () => http.getJson(full, { timeoutMs }))) as { data?: unknown };
    if (!body || typeof body !== 'object' || typeof body.data !== 'object' || body.data === null || Array.isArray(body.data)) {
      throw new CloudpingFormatError(`${full}: expected {"data": {from: {to: ms}}}`);
    }
    out[name] = body.data as Record<string, Record<string, number>>;
  }
  return out;
}

/** Log-normal (seconds) of one pair from the cloudping matrices; undefined (the pair is modelled)
 * when a percentile is missing, not a positive number, or smaller than a lower percentile's. */
export function cloudpingPair(matrices: CloudpingMatrices, from: string, to: string): LogNormal | undefined {
  const points: { p: number; value: number }[] = [];
  for (const { name, p } of CLOUDPING_PERCENTILES) {
    const ms = matrices[name]?.[from]?.[to];
    if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0) return undefined;
    if (points.length > 0 && ms / 1000 < points.at(-1)!.value) return undefined;
    points.push({ p, value: ms / 1000 });
  }
  return fitLogNormal(points);
}

export interface PerformanceDeps {
  store: CollectedStore;
  regions: RegionLister;
  http: HttpPort;
  clock: Clock;
  deadlineMs: number;
  config: { sources: readonly PerformanceSource[]; latencyUrl?: string; httpTimeoutMs: number };
}

export async function collectPerformance(deps: PerformanceDeps): Promise<CollectorReport> {
  const report = newReport('performance');
  const regions = await resolveRegions(deps.regions, deps.clock, deps.deadlineMs, report);
  const collectedAt = new Date(deps.clock.nowMs()).toISOString();
  let matrices: CloudpingMatrices | undefined;
  let httpNote = '';
  if (deps.config.sources.includes('cloudping-http') && deps.config.latencyUrl) {
    try {
      matrices = await fetchCloudping(deps.http, deps.config.latencyUrl, deps.config.httpTimeoutMs, (what, op) =>
        withRetry(what, op, { clock: deps.clock, deadlineMs: deps.deadlineMs }),
      );
    } catch (error) {
      httpNote = `cloudping-http unavailable: ${(error as Error).message.slice(0, 200)}`;
      report.skipped.push({ key: 'cloudping-http', reason: httpNote });
    }
  }
  const modelAllowed = deps.config.sources.includes('distance-model');
  for (const from of regions) {
    const key = regionKey(from.code);
    const latencyToS: Record<string, LatencyDistribution> = {};
    let measured = 0;
    let modelled = 0;
    for (const to of regions) {
      const fitted = matrices ? cloudpingPair(matrices, from.code, to.code) : undefined;
      if (fitted) {
        measured += 1;
        latencyToS[regionKey(to.code)] = distribution(fitted);
      } else if (modelAllowed) {
        modelled += 1;
        latencyToS[regionKey(to.code)] = distribution(distanceModel(from, to));
      }
    }
    if (Object.keys(latencyToS).length !== regions.length) {
      report.failed.push({
        key,
        reason: `no latency for ${regions.length - Object.keys(latencyToS).length} pair(s) and the distance model is not among the sources${httpNote ? `; ${httpNote}` : ''}`,
      });
      continue;
    }
    const m = DISTANCE_MODEL;
    const modelDetail = `distance model: ${m.overheadS} s + ${m.roundTrips} × km × ${m.routeFactor} / ${m.fibreKmPerS} km/s, sigma ${m.sigma}`;
    const source = measured === 0 ? 'distance-model' : modelled === 0 ? 'cloudping-http' : 'cloudping-http+distance-model';
    const doc: PerformanceDocument = {
      collected_at: collectedAt,
      provenance: {
        source,
        detail: [
          measured ? `${measured} pair(s) from ${deps.config.latencyUrl} (7 percentiles, 1W, log-normal fit)` : '',
          modelled ? `${modelled} pair(s) ${modelDetail}` : '',
          httpNote,
          `${SAMPLES_PER_PAIR} deterministic samples per pair`,
        ]
          .filter(Boolean)
          .join('; '),
        period: measured ? `1W to ${collectedAt.slice(0, 10)}` : undefined,
      },
      region_key: key,
      relativePerformance: 1,
      latencyToS,
    };
    if (doc.provenance.period === undefined) delete doc.provenance.period;
    await writeChecked(deps.store, COLLECTED_TABLES.performance, key, doc, report);
  }
  return report;
}
