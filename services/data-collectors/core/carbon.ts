// Carbon collector: 24 hourly grid intensities + overall (gCO2e/kWh) per region, and great-circle
// distances between regions. Sources in the configured order, per region:
//   electricity-maps — API v3 history (+ forecast, or a Holt–Winters forecast from the history);
//                      needs a token (SSM SecureString); no token → skipped for the run;
//   imported         — keep a document `caribou data import carbon` wrote (refreshing distances);
//   yearly-average   — the zone's latest yearly average (embedded, no key, no network), flat hours.
import { COLLECTED_TABLES, type CarbonDocument } from '../../../shared/contracts/collected-data.js';
import { YEARLY_AVERAGE_ATTRIBUTION, yearlyAverage } from '../data/carbon-averages.js';
import { regionKey, type EmbeddedRegion } from '../data/regions.js';
import { electricityMapsProfile } from './electricity-maps.js';
import { greatCircleKm } from './geo.js';
import type { Clock, CollectedStore, HttpPort, RegionLister, SecretPort } from './ports.js';
import { newReport, writeChecked, type CollectorReport } from './report.js';
import { resolveRegions } from './regions.js';
import { DeadlineExceededError, isRetryable, withRetry } from './retry.js';

export const CARBON_SOURCES = ['electricity-maps', 'imported', 'yearly-average'] as const;
export type CarbonSource = (typeof CARBON_SOURCES)[number];
export const IMPORTED_SOURCE = 'electricity-maps-csv';

export interface CarbonDeps {
  store: CollectedStore;
  regions: RegionLister;
  http: HttpPort;
  secrets: SecretPort;
  clock: Clock;
  deadlineMs: number;
  config: { sources: readonly CarbonSource[]; electricityMapsUrl: string; tokenParameter: string; httpTimeoutMs: number };
}

export function distancesKm(from: EmbeddedRegion, all: readonly EmbeddedRegion[]): Record<string, number> {
  return Object.fromEntries(all.map((to) => [regionKey(to.code), Math.round(greatCircleKm(from, to) * 10) / 10]));
}

const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const round2 = (x: number) => Math.round(x * 100) / 100;

export function yearlyAverageDocument(
  region: EmbeddedRegion,
  all: readonly EmbeddedRegion[],
  collectedAt: string,
): CarbonDocument | undefined {
  const average = yearlyAverage(region.zone);
  if (!average) return undefined;
  return {
    collected_at: collectedAt,
    provenance: { source: 'tgwf-co2-yearly-average', detail: `zone ${region.zone}; ${YEARLY_AVERAGE_ATTRIBUTION}`, period: average.year },
    region_key: regionKey(region.code),
    zone: region.zone,
    hourlyGCO2ePerKWh: new Array(24).fill(average.gCO2ePerKWh),
    overallGCO2ePerKWh: average.gCO2ePerKWh,
    hourlyProfile: 'flat-yearly-average',
    distancesKm: distancesKm(region, all),
  };
}

export async function collectCarbon(deps: CarbonDeps): Promise<CollectorReport> {
  const report = newReport('carbon');
  const regions = await resolveRegions(deps.regions, deps.clock, deps.deadlineMs, report);
  const collectedAt = new Date(deps.clock.nowMs()).toISOString();
  const retry = { clock: deps.clock, deadlineMs: deps.deadlineMs };

  let token: string | undefined;
  const notes: string[] = [];
  if (deps.config.sources.includes('electricity-maps')) {
    try {
      token = await withRetry('ssm:GetParameter', () => deps.secrets.get(deps.config.tokenParameter), retry);
      if (!token) notes.push(`electricity-maps skipped: no parameter ${deps.config.tokenParameter}`);
    } catch (error) {
      notes.push(`electricity-maps skipped: token parameter ${deps.config.tokenParameter}: ${(error as Error).message}`);
    }
  }

  for (const region of regions) {
    const key = regionKey(region.code);
    const errors: string[] = [];
    let doc: CarbonDocument | undefined;
    for (const source of deps.config.sources) {
      if (source === 'electricity-maps') {
        if (!token) continue;
        try {
          const profile = await withRetry(
            `electricity-maps ${region.zone}`,
            () =>
              electricityMapsProfile(deps.http, {
                baseUrl: deps.config.electricityMapsUrl,
                token: token!,
                zone: region.zone,
                nowMs: deps.clock.nowMs(),
                timeoutMs: deps.config.httpTimeoutMs,
              }),
            retry,
          );
          const hourly = profile.hourly.map(round2);
          doc = {
            collected_at: collectedAt,
            provenance: {
              source: 'electricity-maps-api',
              detail: `zone ${region.zone}; ${profile.method}; ${deps.config.electricityMapsUrl}`,
              period: profile.period,
            },
            region_key: key,
            zone: region.zone,
            hourlyGCO2ePerKWh: hourly,
            overallGCO2ePerKWh: round2(mean(hourly)),
            hourlyProfile: profile.profile,
            distancesKm: distancesKm(region, regions),
          };
        } catch (error) {
          errors.push(`electricity-maps: ${(error as Error).message}`);
          // Unreachable or out of retries: stop asking for the other regions (a bad zone only skips its region).
          if (isRetryable(error) || error instanceof DeadlineExceededError) {
            token = undefined;
            notes.push(`electricity-maps given up after ${region.code}: ${(error as Error).message.slice(0, 200)}`);
          }
        }
      } else if (source === 'imported') {
        const previous = await deps.store.get<CarbonDocument>(COLLECTED_TABLES.carbon, key);
        if (previous?.provenance.source === IMPORTED_SOURCE) doc = { ...previous, distancesKm: distancesKm(region, regions) };
      } else {
        doc = yearlyAverageDocument(region, regions, collectedAt);
        if (!doc) errors.push(`yearly-average: no yearly average for zone ${region.zone}`);
      }
      if (doc) break;
    }
    if (!doc) {
      report.failed.push({ key, reason: errors.join('; ') || 'no configured source gave data' });
      continue;
    }
    await writeChecked(deps.store, COLLECTED_TABLES.carbon, key, doc, report);
  }
  if (notes.length) report.skipped.push(...notes.map((reason) => ({ key: 'electricity-maps', reason })));
  return report;
}
