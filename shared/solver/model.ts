// PreparedModel: the SolverInput with every name resolved to an index and every lookup that does
// not depend on the sampled values precomputed (latency pools per edge/size bucket/region pair,
// duration → auxiliary rows, per instance-region cost and power coefficients). Both calculators
// simulate over it; the fast one flattens it further into typed arrays (calculators/flat.ts).
import { ValidationError } from '../errors.js';
import {
  DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH,
  DEFAULT_CPU_UTILIZATION,
  DEFAULT_LATENCY_S,
  DEFAULT_PRICES,
  DEFAULT_SIZE_GB,
  HOME_REGION_TRANSMISSION_LATENCY_DEFAULT_S,
  SYNC_LATENCY_MULTIPLIER,
} from './constants.js';
import { cpuPowerKW, roundUpToKiB, roundUpToMs } from './formulas.js';
import type { EdgeStats, ExecutionProfile, InstanceStats, RegionPairLatency, SolverInput } from './types.js';

/** Latency draw = pool[uniform index] + addS. */
export interface LatencyEntry {
  pool: number[];
  addS: number;
}

export interface PreparedProfile {
  durationsS: number[];
  /** Per duration index: auxiliary rows of its 10-ms bucket (NaN for a null offset). */
  auxRows: number[][][];
}

export interface PreparedNonExec {
  syncNode: number;
  responseGB: number;
  /** Latency of caller region a → sync node region c, resolved on first use. */
  latency(a: number, c: number): LatencyEntry;
}

export interface PreparedEdge {
  from: number;
  to: number;
  probability: number;
  sizesGB: number[];
  /** Bucket index of each size. */
  sizeBucket: number[];
  bucketCount: number;
  toSync: boolean;
  syncSizeGB: number;
  snsOnlySizeGB: number;
  /** Column of this edge's invocation offset in the source's auxiliary rows, or -1. */
  auxColumn: number;
  /** Latency of size bucket b from region a to region c, resolved on first use (a search touches
   *  a small part of the buckets × R² table, so building it all per solve would be set-up cost). */
  latency(b: number, a: number, c: number): LatencyEntry;
  nonExec: PreparedNonExec[];
}

export interface PreparedModel {
  R: number;
  N: number;
  regionKeys: string[];
  instanceNames: string[];
  home: number;
  start: number;
  topo: number[];
  isSync: boolean[];
  permitted: number[][];
  incoming: number[][];
  edges: PreparedEdge[];
  /** Indexed i × R + r. */
  profiles: PreparedProfile[];
  redirector: PreparedProfile;
  memoryGB: number[];
  execUsdPerS: number[];
  invocationUsd: number[];
  /** (P_cpu × vCPU + P_mem × GB) × PUE in kW, indexed i × R + r; × CI / 3600 gives gCO2e/s. */
  powerKW: number[];
  egressUsdPerGB: number[];
  messageUsdPerRequest: number[];
  dynamoReadUsdPerRU: number[];
  dynamoWriteUsdPerWU: number[];
  systemDynamoReadUsdPerRU: number;
  /** Mean cloudping latency, indexed a × R + c. */
  pingMeanS: number[];
  startHop: { wpdAtFunctionProbability: number; wpdSizeGB: number; sizesGB: number[] };
  /** CI per region and of the system region for a solve hour ('overall' = daily mean). */
  carbonIntensity(hour: number | 'overall'): { regions: number[]; system: number };
}

const EPS = 1e-12;

function sameSize(a: number, b: number): boolean {
  return Math.abs(a - b) <= EPS + 1e-9 * Math.max(Math.abs(a), Math.abs(b));
}

function meanOf(xs: number[]): number {
  let s = 0;
  // By index: this runs once per region pair, interpreted, where for-of allocates per element.
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s / xs.length;
}

/** Auxiliary keys on a 10-µs grid: grid cell → their indices in order (per profile). */
const auxiliaryGrids = new WeakMap<ExecutionProfile, Map<number, number[]>>();
const GRID_PER_S = 1e5;

/**
 * The first auxiliary entry of p whose duration is sameSize as `bucket` (what a linear find gives),
 * looked up in the neighbouring cells of a grid finer than any duration's tolerance (≤ 1e-6 s up to
 * 1,000 s; longer ones are searched linearly). The linear search per bucket was ~10 ms of a solve.
 */
export function auxiliaryOf(p: ExecutionProfile, bucket: number): ExecutionProfile['auxiliary'][number] | undefined {
  if (!(Math.abs(bucket) < 1000)) return p.auxiliary.find((a) => sameSize(a.durationS, bucket));
  let grid = auxiliaryGrids.get(p);
  if (!grid) {
    grid = new Map();
    for (let i = 0; i < p.auxiliary.length; i++) {
      const cell = Math.round(p.auxiliary[i]!.durationS * GRID_PER_S);
      const list = grid.get(cell);
      if (list) list.push(i);
      else grid.set(cell, [i]);
    }
    auxiliaryGrids.set(p, grid);
  }
  const cell = Math.round(bucket * GRID_PER_S);
  let first = -1;
  for (let c = cell - 1; c <= cell + 1; c++) {
    const list = grid.get(c);
    if (!list) continue;
    for (let k = 0; k < list.length; k++) {
      const i = list[k]!;
      if ((first < 0 || i < first) && sameSize(p.auxiliary[i]!.durationS, bucket)) first = i;
    }
  }
  return first < 0 ? undefined : p.auxiliary[first];
}

function prepareProfile(p: ExecutionProfile | undefined, auxWidth: number): PreparedProfile {
  if (!p || p.durationsS.length === 0) return { durationsS: [], auxRows: [] };
  // Durations of one 10-ms bucket share one (read-only) list of rows: thousands of durations fall
  // into a few dozen buckets, so each bucket is matched and converted once.
  const byBucket = new Map<number, number[][]>();
  const auxRows = p.durationsS.map((d) => {
    const bucket = roundUpToMs(d, 10);
    const known = byBucket.get(bucket);
    if (known) return known;
    const hit = auxiliaryOf(p, bucket);
    const rows = (hit?.rows ?? []).map((row) => {
      const out = new Array<number>(auxWidth).fill(Number.NaN);
      out[0] = 0;
      for (let j = 0; j < row.length && j < auxWidth; j++) out[j] = row[j] ?? Number.NaN;
      return out;
    });
    byBucket.set(bucket, rows);
    return rows;
  });
  return { durationsS: p.durationsS, auxRows };
}

/** Region with data for an instance: the region itself, else home, else any with durations. */
function profileFor(stats: InstanceStats | undefined, region: string, home: string): ExecutionProfile | undefined {
  const ex = stats?.executions ?? {};
  if ((ex[region]?.durationsS.length ?? 0) > 0) return ex[region];
  if ((ex[home]?.durationsS.length ?? 0) > 0) return ex[home];
  return Object.values(ex).find((p) => p.durationsS.length > 0);
}

export function prepareModel(input: SolverInput): PreparedModel {
  const regionKeys = input.regions;
  const R = regionKeys.length;
  const regionIndex = new Map(regionKeys.map((k, i) => [k, i]));
  const home = regionIndex.get(input.homeRegion);
  if (home === undefined) throw new ValidationError(`home region ${input.homeRegion} is not a candidate region`);
  const instanceNames = input.instances.map((i) => i.name);
  const N = instanceNames.length;
  const instIndex = new Map(instanceNames.map((n, i) => [n, i]));

  // Topology (Kahn over unique edges, ties in config order) and sync nodes.
  const preds: Array<Set<number>> = instanceNames.map(() => new Set());
  for (const e of input.edges) preds[instIndex.get(e.to)!]!.add(instIndex.get(e.from)!);
  const indeg = preds.map((p) => p.size);
  const succ: number[][] = instanceNames.map(() => []);
  for (const e of input.edges) succ[instIndex.get(e.from)!]!.push(instIndex.get(e.to)!);
  const topo: number[] = [];
  const ready = indeg.map((d, i) => (d === 0 ? i : -1)).filter((i) => i >= 0);
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    topo.push(i);
    for (const j of succ[i]!) if (--indeg[j]! === 0) ready.push(j);
  }
  if (topo.length !== N) throw new ValidationError(`workflow ${input.workflowId}: the instance graph has a cycle`);
  const start = topo[0]!;
  if (topo.filter((i) => preds[i]!.size === 0).length > 1) {
    throw new ValidationError(
      `workflow ${input.workflowId}: more than one instance has no predecessor (entry points: ${topo
        .filter((i) => preds[i]!.size === 0)
        .map((i) => instanceNames[i])
        .join(', ')})`,
    );
  }
  const isSync = instanceNames.map((n, i) => n.split(':')[1] === 'sync' || preds[i]!.size > 1);

  const permitted = input.instances.map((inst) => inst.permittedRegions.map((k) => regionIndex.get(k)!));

  // Region tables.
  const rd = (k: string) => input.regionData[k]!;
  const prices = regionKeys.map((k) => rd(k).prices);
  const egressUsdPerGB = prices.map((p) => p?.egressUsdPerGB ?? DEFAULT_PRICES.egressUsdPerGB);
  const messageUsdPerRequest = prices.map((p) => p?.messageUsdPerRequest ?? DEFAULT_PRICES.messageUsdPerRequest);
  const dynamoReadUsdPerRU = prices.map((p) => p?.dynamoReadUsdPerRU ?? DEFAULT_PRICES.dynamoReadUsdPerRU);
  const dynamoWriteUsdPerWU = prices.map((p) => p?.dynamoWriteUsdPerWU ?? DEFAULT_PRICES.dynamoWriteUsdPerWU);
  const systemDynamoReadUsdPerRU = input.regionData[input.systemRegion]?.prices?.dynamoReadUsdPerRU ?? DEFAULT_PRICES.dynamoReadUsdPerRU;
  const ping = (a: number, c: number): number => {
    const xs = rd(regionKeys[a]!).latencyS[regionKeys[c]!];
    if (xs && xs.length > 0) return meanOf(xs);
    return a === c ? 0 : DEFAULT_LATENCY_S;
  };
  const pingMeanS: number[] = [];
  for (let a = 0; a < R; a++) for (let c = 0; c < R; c++) pingMeanS.push(ping(a, c));

  // Per instance × region coefficients and execution profiles.
  const memoryGB = input.instances.map((i) => i.memoryMB / 1024);
  const execUsdPerS: number[] = [];
  const invocationUsd: number[] = [];
  const powerKW: number[] = [];
  const profiles: PreparedProfile[] = [];
  const auxWidths = instanceNames.map((n) => 1 + Math.max(0, ...Object.values(input.instanceStats[n]?.auxiliaryIndex ?? {})));
  for (let i = 0; i < N; i++) {
    const inst = input.instances[i]!;
    const stats = input.instanceStats[inst.name];
    const preparedOf = new Map<ExecutionProfile, PreparedProfile>();
    for (let r = 0; r < R; r++) {
      const key = regionKeys[r]!;
      const p = rd(key).prices;
      const power = rd(key).power;
      execUsdPerS.push((p?.computeUsdPerGBs[inst.architecture] ?? DEFAULT_PRICES.computeUsdPerGBs) * memoryGB[i]!);
      invocationUsd.push(p?.invocationUsd[inst.architecture] ?? DEFAULT_PRICES.invocationUsd);
      const u = stats?.executions[key]?.cpuUtilization ?? stats?.cpuUtilization ?? DEFAULT_CPU_UTILIZATION;
      powerKW.push((cpuPowerKW(u, power.cpuMinKW, power.cpuMaxKW) * inst.vcpu + power.memoryKWPerGB * memoryGB[i]!) * power.pue);
      // Regions without data of their own fall back to the same profile: prepare it once.
      const source = profileFor(stats, key, input.homeRegion);
      let prepared = source ? preparedOf.get(source) : undefined;
      if (!prepared) {
        prepared = prepareProfile(source, auxWidths[i]!);
        if (source) preparedOf.set(source, prepared);
      }
      profiles.push(prepared);
    }
  }
  const startName = instanceNames[start]!;
  const redirectorStats = input.startHop.atRedirector[startName];
  const redirector = prepareProfile(profileFor(redirectorStats, input.homeRegion, input.homeRegion), 1);

  // Edges.
  const incoming: number[][] = instanceNames.map(() => []);
  const homeKey = input.homeRegion;
  const edges: PreparedEdge[] = input.edges.map((e, ei) => {
    const from = instIndex.get(e.from)!;
    const to = instIndex.get(e.to)!;
    incoming[to]!.push(ei);
    return prepareEdge(e, from, to, isSync[to]!, input, regionKeys, homeKey, pingMeanS, instIndex, auxWidths[from]!);
  });
  for (const list of incoming) list.sort((a, b) => topo.indexOf(edges[a]!.from) - topo.indexOf(edges[b]!.from));

  const sh = input.startHop;
  return {
    R,
    N,
    regionKeys,
    instanceNames,
    home,
    start,
    topo,
    isSync,
    permitted,
    incoming,
    edges,
    profiles,
    redirector,
    memoryGB,
    execUsdPerS,
    invocationUsd,
    powerKW,
    egressUsdPerGB,
    messageUsdPerRequest,
    dynamoReadUsdPerRU,
    dynamoWriteUsdPerWU,
    systemDynamoReadUsdPerRU,
    pingMeanS,
    startHop: { wpdAtFunctionProbability: sh.wpdAtFunctionProbability, wpdSizeGB: sh.wpdSizeGB, sizesGB: sh.transferSizesGB },
    carbonIntensity(hour) {
      const ci = (k: string): number => {
        const by = input.regionData[k]?.carbonIntensityByHour ?? {};
        return (hour === 'overall' ? undefined : by[String(hour)]) ?? by.overall ?? DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH;
      };
      return { regions: regionKeys.map(ci), system: ci(input.systemRegion) };
    },
  };
}

function observed(pair: RegionPairLatency | undefined, bucketGB: number): number[] | undefined {
  if (!pair) return undefined;
  // Loops by index: this runs per (size bucket, region pair) on first use, interpreted.
  const sizes = pair.bySizeGB;
  for (let i = 0; i < sizes.length; i++) {
    if (sameSize(sizes[i]!.sizeGB, bucketGB) && sizes[i]!.latenciesS.length > 0) return sizes[i]!.latenciesS;
  }
  if (pair.bestFit) {
    const b = pair.bestFit;
    return [Math.min(b.maxLatencyS, Math.max(b.minLatencyS, b.slopeSPerGB * bucketGB + b.interceptS))];
  }
  // Nearest recorded bucket of the same pair beats a cross-region estimate.
  let best: number[] | undefined;
  let bestD = Infinity;
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!;
    const d = Math.abs(s.sizeGB - bucketGB);
    if (s.latenciesS.length > 0 && d < bestD) {
      bestD = d;
      best = s.latenciesS;
    }
  }
  return best;
}

function prepareEdge(
  e: EdgeStats,
  from: number,
  to: number,
  toSync: boolean,
  input: SolverInput,
  regionKeys: string[],
  homeKey: string,
  pingMeanS: number[],
  instIndex: Map<string, number>,
  auxWidth: number,
): PreparedEdge {
  const R = regionKeys.length;
  const home = regionKeys.indexOf(homeKey);
  const sizesGB = e.transferSizesGB.length > 0 ? e.transferSizesGB : [DEFAULT_SIZE_GB];
  const buckets: number[] = [];
  const sizeBucket = sizesGB.map((s) => {
    const b = roundUpToKiB(s, 10);
    let k = buckets.findIndex((x) => sameSize(x, b));
    if (k < 0) {
      k = buckets.length;
      buckets.push(b);
    }
    return k;
  });
  const multiplier = toSync ? SYNC_LATENCY_MULTIPLIER : 1;
  const homePing = pingMeanS[home * R + home]!;
  const homePools = new Array<number[] | undefined>(buckets.length);
  const resolved = new Array<LatencyEntry | undefined>(buckets.length * R * R);
  const latency = (k: number, a: number, c: number): LatencyEntry => {
    const at = (k * R + a) * R + c;
    const known = resolved[at];
    if (known) return known;
    const b = buckets[k]!;
    const pool = observed(e.latencies[regionKeys[a]!]?.[regionKeys[c]!], b);
    let entry: LatencyEntry;
    if (pool) entry = { pool, addS: 0 };
    else {
      const homePool = (homePools[k] ??= observed(e.latencies[homeKey]?.[homeKey], b) ?? [HOME_REGION_TRANSMISSION_LATENCY_DEFAULT_S]);
      entry = { pool: homePool, addS: Math.max(0, pingMeanS[a * R + c]! - homePing) * multiplier };
    }
    resolved[at] = entry;
    return entry;
  };
  const nonExec: PreparedNonExec[] = [];
  for (const ne of e.nonExecution) {
    const syncNode = instIndex.get(ne.syncNode);
    if (syncNode === undefined) continue; // statistics of an instance no longer in the workflow
    const homePool = ne.latenciesS[homeKey]?.[homeKey];
    const fallback = homePool && homePool.length > 0 ? homePool : [HOME_REGION_TRANSMISSION_LATENCY_DEFAULT_S];
    const resolvedNe = new Array<LatencyEntry | undefined>(R * R);
    const lat = (a: number, c: number): LatencyEntry => {
      const known = resolvedNe[a * R + c];
      if (known) return known;
      const pool = ne.latenciesS[regionKeys[a]!]?.[regionKeys[c]!];
      const entry =
        pool && pool.length > 0
          ? { pool, addS: 0 }
          : { pool: fallback, addS: Math.max(0, pingMeanS[a * R + c]! - homePing) * SYNC_LATENCY_MULTIPLIER };
      resolvedNe[a * R + c] = entry;
      return entry;
    };
    nonExec.push({ syncNode, responseGB: ne.syncDataResponseSizeGB, latency: lat });
  }
  const col = input.instanceStats[e.from]?.auxiliaryIndex[e.to];
  return {
    from,
    to,
    probability: e.invocationProbability,
    sizesGB,
    sizeBucket,
    bucketCount: buckets.length,
    toSync,
    syncSizeGB: e.syncSizeGB ?? DEFAULT_SIZE_GB,
    snsOnlySizeGB: e.snsOnlySizeGB ?? DEFAULT_SIZE_GB,
    auxColumn: col !== undefined && col > 0 && col < auxWidth ? col : -1,
    latency,
    nonExec,
  };
}
