// Provider collector: the regions enabled for the account (region documents) and their prices and
// power model (provider documents). Prices come from the AWS Price List Query API when it answers;
// any field it does not give (or every field, when the API is unavailable or denied) comes from the
// embedded dated table, and the provenance says which.
import { COLLECTED_TABLES, type ProviderDocument, type RegionDocument } from '../../../shared/contracts/collected-data.js';
import { AWS_POWER, POWER_SOURCE } from '../data/power.js';
import { LAMBDA_FREE_TIER, PRICES_AS_OF, PRICES_SOURCE, embeddedPrices } from '../data/prices.js';
import { REGIONS_SOURCE, regionKey } from '../data/regions.js';
import { PRICE_QUERIES, getAllProducts, type LivePrices } from './pricing.js';
import type { Clock, CollectedStore, PriceListPort, RegionLister } from './ports.js';
import { newReport, writeChecked, type CollectorReport } from './report.js';
import { resolveRegions } from './regions.js';
import { isRetryable, withRetry } from './retry.js';

export interface ProviderDeps {
  store: CollectedStore;
  regions: RegionLister;
  /** Absent: embedded prices only. */
  pricing?: PriceListPort;
  clock: Clock;
  deadlineMs: number;
}

const LIVE = 'aws-price-list-api';
const EMBEDDED = 'embedded-price-table';

export async function collectProvider(deps: ProviderDeps): Promise<CollectorReport> {
  const report = newReport('provider');
  const regions = await resolveRegions(deps.regions, deps.clock, deps.deadlineMs, report);
  const collectedAt = new Date(deps.clock.nowMs()).toISOString();
  const enabledKeys = new Set(regions.map((r) => regionKey(r.code)));

  for (const region of regions) {
    const doc: RegionDocument = {
      collected_at: collectedAt,
      provenance: { source: 'ec2-describe-regions+embedded-region-table', detail: REGIONS_SOURCE },
      region_key: regionKey(region.code),
      provider: 'aws',
      region: region.code,
      name: region.name,
      latitude: region.latitude,
      longitude: region.longitude,
      enabled: true,
    };
    await writeChecked(deps.store, COLLECTED_TABLES.regions, doc.region_key, doc, report);
  }
  // A region disabled since the last run stays listed, marked disabled, so the solver skips it.
  for (const { key, document } of await deps.store.list<RegionDocument>(COLLECTED_TABLES.regions)) {
    if (!enabledKeys.has(key) && document.enabled) {
      const disabled: RegionDocument = { ...document, enabled: false, collected_at: collectedAt };
      await writeChecked(deps.store, COLLECTED_TABLES.regions, key, disabled, report);
    }
  }

  let liveState: 'untried' | 'working' | 'unavailable' = deps.pricing ? 'untried' : 'unavailable';
  let liveError = deps.pricing ? '' : 'no Price List client configured';
  for (const region of regions) {
    const key = regionKey(region.code);
    let live: LivePrices = {};
    if (liveState !== 'unavailable') {
      try {
        for (const query of PRICE_QUERIES) {
          const products = await withRetry(
            `pricing:GetProducts ${query.serviceCode} ${region.code}`,
            () => getAllProducts(deps.pricing!, query.serviceCode, query.filters(region.code)),
            {
              clock: deps.clock,
              deadlineMs: deps.deadlineMs,
            },
          );
          live = { ...live, ...Object.fromEntries(Object.entries(query.read(products)).filter(([, v]) => v !== undefined)) };
        }
        liveState = 'working';
      } catch (error) {
        // Denied, unreachable or out of retries: use the embedded table for this and every later region.
        liveError = `${(error as Error).name}: ${(error as Error).message}`;
        if (!isRetryable(error) || liveState === 'untried') liveState = 'unavailable';
        live = {};
      }
    }
    const embedded = embeddedPrices(region.code);
    const fromTable: string[] = [];
    const pick = (field: keyof LivePrices, fallback: number | undefined): number => {
      const value = live[field];
      if (value !== undefined) return value;
      fromTable.push(field);
      return fallback ?? Number.NaN; // NaN is refused by the validation: no partial document.
    };
    const doc: ProviderDocument = {
      collected_at: collectedAt,
      provenance: { source: LIVE, period: PRICES_AS_OF },
      region_key: key,
      lambdaUsdPerGBs: {
        x86_64: pick('lambdaX86UsdPerGBs', embedded?.lambdaUsdPerGBs.x86_64),
        arm64: pick('lambdaArmUsdPerGBs', embedded?.lambdaUsdPerGBs.arm64),
      },
      lambdaUsdPerRequest: {
        x86_64: pick('lambdaX86UsdPerRequest', embedded?.lambdaUsdPerRequest.x86_64),
        arm64: pick('lambdaArmUsdPerRequest', embedded?.lambdaUsdPerRequest.arm64),
      },
      lambdaFreeTier: { ...LAMBDA_FREE_TIER },
      interRegionEgressUsdPerGB: pick('interRegionEgressUsdPerGB', embedded?.interRegionEgressUsdPerGB),
      internetEgressUsdPerGB: pick('internetEgressUsdPerGB', embedded?.internetEgressUsdPerGB),
      sqsUsdPerRequest: pick('sqsUsdPerRequest', embedded?.sqsUsdPerRequest),
      dynamoDbUsdPerReadRequestUnit: pick('dynamoDbUsdPerReadRequestUnit', embedded?.dynamoDbUsdPerReadRequestUnit),
      dynamoDbUsdPerWriteRequestUnit: pick('dynamoDbUsdPerWriteRequestUnit', embedded?.dynamoDbUsdPerWriteRequestUnit),
      s3UsdPerPutRequest: pick('s3UsdPerPutRequest', embedded?.s3UsdPerPutRequest),
      s3UsdPerGetRequest: pick('s3UsdPerGetRequest', embedded?.s3UsdPerGetRequest),
      power: { ...AWS_POWER },
    };
    const totalFields = 11;
    if (fromTable.length === 0) {
      doc.provenance = {
        source: LIVE,
        detail: `GetProducts (${PRICE_QUERIES.map((q) => q.serviceCode).join(', ')}); power: ${POWER_SOURCE}`,
        period: collectedAt.slice(0, 10),
      };
    } else if (fromTable.length === totalFields) {
      doc.provenance = {
        source: EMBEDDED,
        detail: `${PRICES_SOURCE}; basis ${embedded?.basis ?? 'none'}${liveError ? `; live API: ${liveError.slice(0, 160)}` : ''}; power: ${POWER_SOURCE}`,
        period: PRICES_AS_OF,
      };
    } else {
      doc.provenance = {
        source: `${LIVE}+${EMBEDDED}`,
        detail: `from the embedded table (${PRICES_AS_OF}, basis ${embedded?.basis ?? 'none'}): ${fromTable.join(', ')}; power: ${POWER_SOURCE}`,
        period: collectedAt.slice(0, 10),
      };
    }
    await writeChecked(deps.store, COLLECTED_TABLES.provider, key, doc, report);
  }
  return report;
}
