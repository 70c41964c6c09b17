// Builds the solver's input from the collectors' documents (shared/contracts/collected-data.ts):
// the region facts come from the regions/provider/carbon/performance documents, the per-workflow
// parts from the workflow document. Only regions with complete collected data that the workflow
// allows are candidates; every region left out is listed with the reason, so an operator (and
// `caribou plan`) can see why a region was never considered.
import type {
  CarbonDocument,
  PerformanceDocument,
  ProviderDocument,
  RegionDocument,
  WorkflowDocument,
} from '../contracts/collected-data.js';
import type { RegionKey } from '../contracts/placement.js';
import { ValidationError } from '../errors.js';
import { DEFAULT_POWER, SYSTEM_REGION } from './constants.js';
import type { InstanceSpec, RegionData, RegionPrices, SolverInput } from './types.js';

/** A region rule of the workflow's config (`config.yml` or the DAG's merged per-instance rules). */
export interface RegionRule {
  allowed_regions?: Array<{ provider: string; region: string }> | null;
  disallowed_regions?: Array<{ provider: string; region: string }> | null;
}

export interface CollectedDocuments {
  regions: RegionDocument[];
  provider: ProviderDocument[];
  carbon: CarbonDocument[];
  performance: PerformanceDocument[];
  workflow: WorkflowDocument;
  /** Region of the control plane (its tables serve the placement reads); default aws:us-west-2. */
  systemRegion?: RegionKey;
  /**
   * The deployed config's region rules per instance (the DAG's merged rules). Applied on top of the
   * workflow document's permittedRegions, so a config change is honoured even before the workflow
   * collector runs again.
   */
  instanceRules?: Record<string, RegionRule>;
}

export interface DroppedRegion {
  region: RegionKey;
  reason: string;
}

export interface CollectedSolverInput {
  input: SolverInput;
  /** Regions with some collected data that are not candidates, with the reason. */
  dropped: DroppedRegion[];
}

const keyOf = (r: { provider: string; region: string }): RegionKey => `${r.provider}:${r.region}`;

function byKey<T extends { region_key: RegionKey }>(docs: T[]): Map<RegionKey, T> {
  return new Map(docs.map((d) => [d.region_key, d]));
}

function allowedBy(rule: RegionRule | undefined, region: RegionKey): boolean {
  if (!rule) return true;
  const allowed = rule.allowed_regions && rule.allowed_regions.length > 0 ? rule.allowed_regions.map(keyOf) : undefined;
  if (allowed) return allowed.includes(region);
  return !(rule.disallowed_regions ?? []).map(keyOf).includes(region);
}

/** What is missing for a region to be a candidate ("" when its data is complete). */
function missingData(
  region: RegionKey,
  docs: {
    regions: Map<RegionKey, RegionDocument>;
    provider: Map<RegionKey, ProviderDocument>;
    carbon: Map<RegionKey, CarbonDocument>;
    performance: Map<RegionKey, PerformanceDocument>;
  },
): string {
  const missing: string[] = [];
  const r = docs.regions.get(region);
  if (!r) missing.push('regions');
  else if (!r.enabled) return 'region not enabled for the account';
  if (!docs.provider.has(region)) missing.push('provider');
  const c = docs.carbon.get(region);
  if (!c) missing.push('carbon');
  else if (c.hourlyGCO2ePerKWh.length !== 24 || !Number.isFinite(c.overallGCO2ePerKWh))
    return 'carbon document incomplete (expected 24 hourly values and an overall mean)';
  if (!docs.performance.has(region)) missing.push('performance');
  return missing.length > 0 ? `no ${missing.join(', ')} document` : '';
}

export function regionPricesFrom(p: ProviderDocument): RegionPrices {
  return {
    computeUsdPerGBs: { ...p.lambdaUsdPerGBs },
    invocationUsd: { ...p.lambdaUsdPerRequest },
    egressUsdPerGB: p.interRegionEgressUsdPerGB,
    // Our functions talk through SQS: a message costs one SQS request per 64 KiB chunk.
    messageUsdPerRequest: p.sqsUsdPerRequest,
    dynamoReadUsdPerRU: p.dynamoDbUsdPerReadRequestUnit,
    dynamoWriteUsdPerWU: p.dynamoDbUsdPerWriteRequestUnit,
  };
}

export function carbonByHourFrom(c: CarbonDocument): Partial<Record<string, number>> {
  const out: Partial<Record<string, number>> = { overall: c.overallGCO2ePerKWh };
  c.hourlyGCO2ePerKWh.forEach((v, h) => (out[String(h)] = v));
  return out;
}

function regionDataFrom(
  key: RegionKey,
  provider: ProviderDocument | undefined,
  carbon: CarbonDocument | undefined,
  performance: PerformanceDocument | undefined,
): RegionData {
  const out: RegionData = {
    key,
    provider: key.split(':')[0] ?? 'aws',
    carbonIntensityByHour: carbon ? carbonByHourFrom(carbon) : {},
    transmissionDistancesKm: { ...(carbon?.distancesKm ?? {}) },
    power: provider ? { ...provider.power } : { ...DEFAULT_POWER },
    latencyS: Object.fromEntries(Object.entries(performance?.latencyToS ?? {}).map(([to, d]) => [to, [...d.samplesS]])),
    relativePerformance: performance?.relativePerformance ?? 1,
  };
  if (provider) out.prices = regionPricesFrom(provider);
  return out;
}

export function buildSolverInputFromCollected(docs: CollectedDocuments): CollectedSolverInput {
  const wf = docs.workflow;
  const home = wf.homeRegion;
  const systemRegion = docs.systemRegion ?? SYSTEM_REGION;
  const maps = {
    regions: byKey(docs.regions),
    provider: byKey(docs.provider),
    carbon: byKey(docs.carbon),
    performance: byKey(docs.performance),
  };
  const warnings: string[] = [];
  const dropped: DroppedRegion[] = [];

  // Every region some collector knows about, in key order (the collector-data table's range order).
  const known = [...new Set([...maps.regions.keys(), ...maps.provider.keys(), ...maps.carbon.keys(), ...maps.performance.keys()])].sort();
  const wanted = new Set(wf.instances.flatMap((i) => i.permittedRegions));
  const rules = docs.instanceRules ?? {};
  const allowedForSome = (region: RegionKey) =>
    wf.instances.some((i) => i.permittedRegions.includes(region) && allowedBy(rules[i.name], region));

  const candidates: RegionKey[] = [];
  for (const region of known) {
    if (region === home) continue;
    if (!wanted.has(region)) {
      dropped.push({ region, reason: 'not permitted for any instance by the workflow' });
      continue;
    }
    if (!allowedForSome(region)) {
      dropped.push({ region, reason: 'not allowed by the deployed config' });
      continue;
    }
    const missing = missingData(region, maps);
    if (missing) dropped.push({ region, reason: missing });
    else candidates.push(region);
  }
  for (const region of wanted) {
    if (region !== home && !known.includes(region)) dropped.push({ region, reason: 'no collected data' });
  }
  // The home region always stays (every instance can run there); incomplete data is a warning.
  const homeMissing = missingData(home, maps);
  if (homeMissing) warnings.push(`home region ${home}: ${homeMissing}; defaults used (410 gCO2e/kWh, Python default prices)`);
  const regions = [home, ...candidates].sort();

  const regionData: Record<RegionKey, RegionData> = {};
  for (const key of new Set([...regions, systemRegion])) {
    regionData[key] = regionDataFrom(key, maps.provider.get(key), maps.carbon.get(key), maps.performance.get(key));
  }

  const candidateSet = new Set(regions);
  const instances: InstanceSpec[] = wf.instances.map((inst) => {
    const permitted = inst.permittedRegions.filter((r) => candidateSet.has(r) && (r === home || allowedBy(rules[inst.name], r)));
    if (!permitted.includes(home)) permitted.push(home);
    return { ...inst, permittedRegions: regions.filter((r) => permitted.includes(r)) };
  });
  if (instances.length === 0) throw new ValidationError(`workflow document of ${wf.workflow_id} has no instances`);

  const input: SolverInput = {
    workflowId: wf.workflow_id,
    homeRegion: home,
    regions,
    regionData,
    systemRegion,
    instances,
    edges: wf.edges,
    instanceStats: wf.instanceStats,
    startHop: wf.startHop,
    constraints: wf.constraints,
    algorithm: wf.algorithm,
    workflowRuntimeSamplesS: wf.workflowRuntimeSamplesS,
    dailyInvocationCounts: wf.dailyInvocationCounts,
    warnings: [...warnings, ...dropped.map((d) => `${d.region} not a candidate: ${d.reason}`)],
  };
  return { input, dropped };
}

/** The deployed config's per-instance region rules (the DAG merges workflow and function rules). */
export function instanceRulesFromDag(
  dag: { instances: Record<string, { regions_and_providers: RegionRule }> } | undefined,
): Record<string, RegionRule> {
  if (!dag) return {};
  return Object.fromEntries(
    Object.entries(dag.instances).map(([name, inst]) => [
      name,
      {
        allowed_regions: inst.regions_and_providers.allowed_regions ?? null,
        disallowed_regions: inst.regions_and_providers.disallowed_regions ?? null,
      },
    ]),
  );
}
