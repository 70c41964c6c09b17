// Importer: the Python system's stored table values (caribou-spec §4.3, §8.1–8.4) → SolverInput.
// Reads leniently where the Python collectors left fields out, strictly where a value is present
// but malformed, and fixes the loader's key misreads (sync/SNS sizes, SNS/DynamoDB prices).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ValidationError } from '../errors.js';
import { ALGORITHM_NAMES, DEFAULT_POWER, DEFAULT_PRICES, DEFAULT_SIZE_GB, KIB_PER_GB, SYSTEM_REGION } from './constants.js';
import { JsonReader } from './json-reader.js';
import type {
  AlgorithmName,
  BestFitLine,
  Constraint,
  Constraints,
  EdgeStats,
  ExecutionProfile,
  InstanceSpec,
  InstanceStats,
  MetricName,
  NonExecutionInfo,
  RegionData,
  RegionPairLatency,
  RegionPrices,
  SolverInput,
  StartHopStats,
} from './types.js';

export const DATA_FILES = {
  availableRegions: 'available_regions_table.json',
  carbon: 'carbon_region_table.json',
  performance: 'performance_region_table.json',
  providerRegion: 'provider_region_table.json',
  provider: 'provider_table.json',
} as const;

/** The five global tables, each as table key → decoded stored value. */
export interface StoredTables {
  availableRegions: Record<string, unknown>;
  carbon: Record<string, unknown>;
  performance: Record<string, unknown>;
  providerRegion: Record<string, unknown>;
  provider: Record<string, unknown>;
}

/** The workflow file: deployment_manager_resource_table value + workflow_instance_table value. */
export interface StoredWorkflow {
  workflow_id: string;
  workflow_config: unknown;
  workflow_instance_table_value: unknown;
}

const METRICS: MetricName[] = ['carbon', 'runtime', 'cost'];

// Read synchronously: a handful of local files of a few hundred kilobytes, read by a CLI command
// or a test; the promise API's chunked reads through the thread pool took ~40 ms of a solve.
function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ValidationError(`${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, {
      cause: error,
    });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${path}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
}

/** Reads the five table files of a data folder. */
export async function readDataFolder(dir: string): Promise<StoredTables> {
  const out: Partial<StoredTables> = {};
  for (const [name, file] of Object.entries(DATA_FILES) as Array<[keyof StoredTables, string]>) {
    const path = join(dir, file);
    const value = readJsonFile(path);
    out[name] = new JsonReader(path).object(value, '');
  }
  return out as StoredTables;
}

export async function readWorkflowFile(path: string): Promise<StoredWorkflow> {
  const r = new JsonReader(path);
  const value = r.object(readJsonFile(path), '');
  return {
    workflow_id: r.string(value.workflow_id, 'workflow_id'),
    workflow_config: value.workflow_config,
    workflow_instance_table_value: value.workflow_instance_table_value,
  };
}

/** Reads a data folder and a workflow file and imports them. */
export async function loadSolverInput(dataDir: string, workflowFile: string): Promise<SolverInput> {
  const [tables, workflow] = await Promise.all([readDataFolder(dataDir), readWorkflowFile(workflowFile)]);
  return importSolverInput(tables, workflow, { dataDir, workflowFile });
}

interface ImportNames {
  dataDir?: string;
  workflowFile?: string;
}

type Obj = Record<string, unknown>;

interface RegionRef {
  provider: string;
  region: string;
}

function regionKeyOf(r: JsonReader, v: unknown, path: string): string {
  if (typeof v === 'string') {
    if (!v.includes(':')) r.fail(path, 'a region "<provider>:<region>"', v);
    return v;
  }
  const o = r.object(v, path);
  return `${r.string(o.provider, `${path}.provider`)}:${r.string(o.region, `${path}.region`)}`;
}

function regionList(r: JsonReader, v: unknown, path: string): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  return r.array(v, path).map((x, i) => regionKeyOf(r, x, `${path}[${i}]`));
}

interface RegionFilter {
  providers: Obj;
  allowed?: string[];
  disallowed?: string[];
}

function applyFilter(regions: string[], f: RegionFilter): string[] {
  return regions.filter((key) => {
    const provider = key.split(':')[0] ?? '';
    if (!(provider in f.providers)) return false;
    if (f.allowed) return f.allowed.includes(key);
    return !(f.disallowed ?? []).includes(key);
  });
}

export function importSolverInput(tables: StoredTables, workflow: StoredWorkflow, names: ImportNames = {}): SolverInput {
  const dataDir = names.dataDir ?? '<data>';
  const wfFile = names.workflowFile ?? '<workflow>';
  const wr = new JsonReader(wfFile);
  const warnings: string[] = [];

  let configValue = workflow.workflow_config;
  if (typeof configValue === 'string') {
    try {
      configValue = JSON.parse(configValue);
    } catch (error) {
      throw new ValidationError(`${wfFile}: field "workflow_config": not a valid JSON string (${(error as Error).message})`, {
        cause: error,
      });
    }
  }
  const config = wr.object(configValue, 'workflow_config');
  const homeRegion = regionKeyOf(wr, config.home_region, 'workflow_config.home_region');

  // Candidate regions: available_regions_table order, filtered by the workflow's providers and lists.
  const rap = wr.object(config.regions_and_providers ?? {}, 'workflow_config.regions_and_providers');
  const globalFilter: RegionFilter = {
    providers: wr.object(rap.providers ?? {}, 'workflow_config.regions_and_providers.providers'),
    allowed: regionList(wr, rap.allowed_regions, 'workflow_config.regions_and_providers.allowed_regions'),
    disallowed: regionList(wr, rap.disallowed_regions, 'workflow_config.regions_and_providers.disallowed_regions'),
  };
  if (Object.keys(globalFilter.providers).length === 0) {
    globalFilter.providers = { [homeRegion.split(':')[0] ?? 'aws']: {} };
  }
  const available = Object.keys(tables.availableRegions);
  let regions = applyFilter(available, globalFilter);
  const withoutPrices = regions.filter((k) => !(k in tables.providerRegion));
  if (withoutPrices.length > 0) {
    warnings.push(`regions without ${DATA_FILES.providerRegion} entry dropped: ${withoutPrices.join(', ')}`);
    regions = regions.filter((k) => k in tables.providerRegion);
  }
  if (!regions.includes(homeRegion)) {
    throw new ValidationError(
      `${wfFile}: field "workflow_config.home_region": ${homeRegion} is not a candidate region ` +
        `(it must be in ${join(dataDir, DATA_FILES.availableRegions)} and ${DATA_FILES.providerRegion} and allowed by the workflow)`,
    );
  }

  const regionData: Record<string, RegionData> = {};
  const systemRegion = SYSTEM_REGION;
  for (const key of new Set([...regions, systemRegion])) {
    regionData[key] = importRegion(tables, key, dataDir, warnings);
  }

  // Instances, in workflow-config order.
  const rawInstances = config.instances;
  const instanceObjs: Array<{ name: string; value: Obj; path: string }> = [];
  if (Array.isArray(rawInstances)) {
    rawInstances.forEach((v, i) => {
      const o = wr.object(v, `workflow_config.instances[${i}]`);
      instanceObjs.push({
        name: wr.string(o.instance_name, `workflow_config.instances[${i}].instance_name`),
        value: o,
        path: `workflow_config.instances[${i}]`,
      });
    });
  } else {
    const o = wr.object(rawInstances, 'workflow_config.instances');
    for (const [name, v] of Object.entries(o)) {
      instanceObjs.push({ name, value: wr.object(v, `workflow_config.instances.${name}`), path: `workflow_config.instances.${name}` });
    }
  }
  if (instanceObjs.length === 0) wr.fail('workflow_config.instances', 'at least one instance', rawInstances);
  const instanceNames = new Set(instanceObjs.map((i) => i.name));

  const homeProvider = homeRegion.split(':')[0] ?? 'aws';
  const instances: InstanceSpec[] = instanceObjs.map(({ name, value, path }) => {
    const irap = wr.object(value.regions_and_providers ?? {}, `${path}.regions_and_providers`);
    const iProviders = wr.optObject(irap.providers, `${path}.regions_and_providers.providers`);
    const filter: RegionFilter = {
      providers: iProviders && Object.keys(iProviders).length > 0 ? iProviders : globalFilter.providers,
      allowed: regionList(wr, irap.allowed_regions, `${path}.regions_and_providers.allowed_regions`) ?? globalFilter.allowed,
      disallowed: regionList(wr, irap.disallowed_regions, `${path}.regions_and_providers.disallowed_regions`) ?? globalFilter.disallowed,
    };
    const permittedRegions = applyFilter(regions, filter);
    if (permittedRegions.length === 0) {
      throw new ValidationError(`${wfFile}: field "${path}.regions_and_providers": no candidate region is permitted for instance ${name}`);
    }
    const providerConfig = (providers: Obj | undefined): Obj | undefined => {
      const p = providers?.[homeProvider];
      return wr.isObject(p) && wr.isObject(p.config) ? p.config : undefined;
    };
    const own = providerConfig(iProviders);
    const global = providerConfig(globalFilter.providers);
    const pick = (field: string): unknown => own?.[field] ?? global?.[field];
    const memoryMB = wr.number(pick('memory'), `${path}.regions_and_providers.providers.${homeProvider}.config.memory (or the workflow's)`);
    const vcpuRaw = pick('vcpu');
    const vcpu =
      vcpuRaw === undefined || vcpuRaw === null || (typeof vcpuRaw === 'number' && vcpuRaw < 0)
        ? memoryMB / 1769
        : wr.number(vcpuRaw, `${path}...config.vcpu`);
    const archRaw = pick('architecture') ?? 'x86_64';
    if (archRaw !== 'x86_64' && archRaw !== 'arm64') wr.fail(`${path}...config.architecture`, '"x86_64" or "arm64"', archRaw);
    const arch = archRaw as 'x86_64' | 'arm64';
    const succeeding = wr.strings(value.succeeding_instances ?? [], `${path}.succeeding_instances`);
    const preceding = wr.strings(value.preceding_instances ?? [], `${path}.preceding_instances`);
    for (const s of [...succeeding, ...preceding]) {
      if (!instanceNames.has(s)) wr.fail(`${path}.succeeding_instances`, 'names of instances of this workflow', s);
    }
    return { name, permittedRegions, succeeding, preceding, memoryMB, vcpu, architecture: arch };
  });

  const constraints = importConstraints(wr, config.constraints);
  let algorithm: AlgorithmName = 'stochastic';
  const configured = config.deployment_algorithm ?? (typeof config.solver === 'string' ? config.solver : undefined);
  if (configured !== undefined && configured !== null) {
    const a = typeof configured === 'string' ? ALGORITHM_NAMES[configured] : undefined;
    if (!a) return wr.fail('workflow_config.deployment_algorithm', `one of ${Object.keys(ALGORITHM_NAMES).join(', ')}`, configured);
    algorithm = a;
  }

  // Observed statistics.
  const wi = wr.object(workflow.workflow_instance_table_value ?? {}, 'workflow_instance_table_value');
  const P = 'workflow_instance_table_value';
  const summaries = wr.object(wi.instance_summary ?? {}, `${P}.instance_summary`);
  const instanceStats: Record<string, InstanceStats> = {};
  for (const inst of instances) {
    const s = wr.optObject(summaries[inst.name], `${P}.instance_summary.${inst.name}`);
    instanceStats[inst.name] = importInstanceStats(wr, s ?? {}, `${P}.instance_summary.${inst.name}`);
  }
  const unobserved = instances
    .filter((i) => !Object.values(instanceStats[i.name]!.executions).some((p) => p.durationsS.length > 0))
    .map((i) => i.name);
  if (unobserved.length > 0) warnings.push(`no observed durations (counted as 0 s) for: ${unobserved.join(', ')}`);
  const edges: EdgeStats[] = [];
  const seen = new Set<string>();
  for (const inst of instances) {
    for (const to of inst.succeeding) {
      const id = `${inst.name}\u0000${to}`;
      if (seen.has(id)) continue; // duplicate call sites share one statistics entry
      seen.add(id);
      const path = `${P}.instance_summary.${inst.name}.to_instance.${to}`;
      const s = wr.optObject(summaries[inst.name], `${P}.instance_summary.${inst.name}`);
      const toInstance = wr.optObject(s?.to_instance, `${P}.instance_summary.${inst.name}.to_instance`);
      edges.push(importEdge(wr, inst.name, to, wr.optObject(toInstance?.[to], path) ?? {}, path));
    }
  }
  const startHop = importStartHop(wr, wr.optObject(wi.start_hop_summary, `${P}.start_hop_summary`) ?? {}, `${P}.start_hop_summary`);
  const dailyRaw = wr.optObject(wi.daily_invocation_counts, `${P}.daily_invocation_counts`) ?? {};
  const dailyInvocationCounts: Record<string, number> = {};
  for (const [day, n] of Object.entries(dailyRaw)) dailyInvocationCounts[day] = wr.number(n, `${P}.daily_invocation_counts.${day}`);

  return {
    workflowId: workflow.workflow_id,
    homeRegion,
    regions,
    regionData,
    systemRegion,
    instances,
    edges,
    instanceStats,
    startHop,
    constraints,
    algorithm,
    workflowRuntimeSamplesS: wr.optNumbers(wi.workflow_runtime_samples, `${P}.workflow_runtime_samples`) ?? [],
    dailyInvocationCounts,
    warnings,
  };
}

function importConstraints(r: JsonReader, v: unknown): Constraints {
  const c = r.optObject(v, 'workflow_config.constraints') ?? {};
  const read = (field: string): Partial<Record<MetricName, Constraint>> => {
    const o = r.optObject(c[field], `workflow_config.constraints.${field}`) ?? {};
    const out: Partial<Record<MetricName, Constraint>> = {};
    for (const [metric, value] of Object.entries(o)) {
      const path = `workflow_config.constraints.${field}.${metric}`;
      if (!METRICS.includes(metric as MetricName)) r.fail(path, 'a constraint on cost, runtime or carbon', metric);
      if (value === null || value === undefined) continue;
      const cv = r.object(value, path);
      if (cv.type !== 'absolute' && cv.type !== 'relative') r.fail(`${path}.type`, '"absolute" or "relative"', cv.type);
      out[metric as MetricName] = { type: cv.type, value: r.number(cv.value, `${path}.value`) };
    }
    return out;
  };
  const given =
    c.priority_order === undefined || c.priority_order === null
      ? []
      : r.strings(c.priority_order, 'workflow_config.constraints.priority_order');
  for (const [i, m] of given.entries()) {
    if (!METRICS.includes(m as MetricName)) r.fail(`workflow_config.constraints.priority_order[${i}]`, 'cost, runtime or carbon', m);
  }
  const priorityOrder = [...new Set(given as MetricName[])];
  for (const m of METRICS) if (!priorityOrder.includes(m)) priorityOrder.push(m);
  return { hard: read('hard_resource_constraints'), soft: read('soft_resource_constraints'), priorityOrder };
}

function importRegion(tables: StoredTables, key: string, dataDir: string, warnings: string[]): RegionData {
  const provider = key.split(':')[0] ?? '';
  // Carbon
  const cr = new JsonReader(join(dataDir, DATA_FILES.carbon));
  const carbon = cr.optObject(tables.carbon[key], key);
  const carbonIntensityByHour: Partial<Record<string, number>> = {};
  const transmissionDistancesKm: Record<string, number> = {};
  if (carbon) {
    const averages = cr.object(carbon.averages ?? {}, `${key}.averages`);
    for (const [hour, v] of Object.entries(averages)) {
      // Current shape {carbon_intensity: n}; the older documented shape is a bare number.
      carbonIntensityByHour[hour] =
        typeof v === 'number'
          ? cr.number(v, `${key}.averages.${hour}`)
          : cr.number(cr.object(v, `${key}.averages.${hour}`).carbon_intensity, `${key}.averages.${hour}.carbon_intensity`);
    }
    const dist = cr.optObject(carbon.transmission_distances, `${key}.transmission_distances`) ?? {};
    for (const [to, km] of Object.entries(dist)) transmissionDistancesKm[to] = cr.number(km, `${key}.transmission_distances.${to}`);
  } else if (key in tables.availableRegions) {
    warnings.push(`${key}: no ${DATA_FILES.carbon} entry; using 410 gCO2e/kWh`);
  }

  // Performance
  const pr = new JsonReader(join(dataDir, DATA_FILES.performance));
  const perf = pr.optObject(tables.performance[key], key);
  const latencyS: Record<string, number[]> = {};
  let relativePerformance = 1;
  if (perf) {
    relativePerformance = pr.optNumber(perf.relative_performance, `${key}.relative_performance`, 1);
    const tl = pr.optObject(perf.transmission_latency, `${key}.transmission_latency`) ?? {};
    for (const [to, v] of Object.entries(tl)) {
      const o = pr.object(v, `${key}.transmission_latency.${to}`);
      const values = pr.numbers(o.latency_distribution ?? [], `${key}.transmission_latency.${to}.latency_distribution`);
      // The Python collector's fallback [150]×7 was left in milliseconds; convert it, and honour "ms".
      const inMs = o.unit === 'ms' || (values.length > 0 && values.every((x) => x === 150));
      latencyS[to] = inMs ? values.map((x) => x / 1000) : values;
    }
  }

  // Prices and power
  const rr = new JsonReader(join(dataDir, DATA_FILES.providerRegion));
  const pv = rr.optObject(tables.providerRegion[key], key);
  let prices: RegionPrices | undefined;
  const power: RegionData['power'] = { ...DEFAULT_POWER };
  if (pv) {
    const exec = rr.object(pv.execution_cost, `${key}.execution_cost`);
    const inv = rr.object(exec.invocation_cost, `${key}.execution_cost.invocation_cost`);
    const comp = rr.object(exec.compute_cost, `${key}.execution_cost.compute_cost`);
    const trans = rr.optObject(pv.transmission_cost, `${key}.transmission_cost`) ?? {};
    const sns = rr.optObject(pv.sns_cost, `${key}.sns_cost`) ?? {};
    const ddb = rr.optObject(pv.dynamodb_cost, `${key}.dynamodb_cost`) ?? {};
    // Correct keys are request_cost / read_request_cost / write_request_cost (the Python loader read
    // sns_cost / read_cost / write_cost and so always fell back to defaults); accept both.
    const x86Compute = rr.optNumber(comp.x86_64, `${key}.execution_cost.compute_cost.x86_64`, DEFAULT_PRICES.computeUsdPerGBs);
    const x86Inv = rr.optNumber(inv.x86_64, `${key}.execution_cost.invocation_cost.x86_64`, DEFAULT_PRICES.invocationUsd);
    prices = {
      computeUsdPerGBs: { x86_64: x86Compute, arm64: rr.optNumber(comp.arm64, `${key}.execution_cost.compute_cost.arm64`, x86Compute) },
      invocationUsd: { x86_64: x86Inv, arm64: rr.optNumber(inv.arm64, `${key}.execution_cost.invocation_cost.arm64`, x86Inv) },
      egressUsdPerGB: rr.optNumber(
        trans.provider_data_transfer,
        `${key}.transmission_cost.provider_data_transfer`,
        DEFAULT_PRICES.egressUsdPerGB,
      ),
      messageUsdPerRequest: rr.optNumber(
        sns.request_cost ?? sns.sns_cost,
        `${key}.sns_cost.request_cost`,
        DEFAULT_PRICES.messageUsdPerRequest,
      ),
      dynamoReadUsdPerRU: rr.optNumber(
        ddb.read_request_cost ?? ddb.read_cost,
        `${key}.dynamodb_cost.read_request_cost`,
        DEFAULT_PRICES.dynamoReadUsdPerRU,
      ),
      dynamoWriteUsdPerWU: rr.optNumber(
        ddb.write_request_cost ?? ddb.write_cost,
        `${key}.dynamodb_cost.write_request_cost`,
        DEFAULT_PRICES.dynamoWriteUsdPerWU,
      ),
    };
    power.pue = rr.optNumber(pv.pue, `${key}.pue`, DEFAULT_POWER.pue);
    power.cfe = rr.optNumber(pv.cfe, `${key}.cfe`, DEFAULT_POWER.cfe);
    power.memoryKWPerGB = rr.optNumber(pv.average_memory_power, `${key}.average_memory_power`, DEFAULT_POWER.memoryKWPerGB);
    power.cpuMaxKW = rr.optNumber(pv.max_cpu_power_kWh, `${key}.max_cpu_power_kWh`, DEFAULT_POWER.cpuMaxKW);
    power.cpuMinKW = rr.optNumber(pv.min_cpu_power_kWh, `${key}.min_cpu_power_kWh`, DEFAULT_POWER.cpuMinKW);
  }
  const out: RegionData = { key, provider, carbonIntensityByHour, transmissionDistancesKm, power, latencyS, relativePerformance };
  if (prices) out.prices = prices;
  return out;
}

/** Parses a stored size key such as "9.5367431640625e-06" (Python float repr) into GB. */
function isNumberOrNullRow(row: unknown): boolean {
  if (!Array.isArray(row)) return false;
  for (let j = 0; j < row.length; j++) {
    const x = row[j];
    if (x !== null && (typeof x !== 'number' || !Number.isFinite(x))) return false;
  }
  return true;
}

function parseNumericKey(r: JsonReader, key: string, path: string): number {
  const n = Number(key);
  if (!Number.isFinite(n)) r.fail(path, 'a numeric key', key);
  return n;
}

function importExecutions(r: JsonReader, v: Obj, path: string): InstanceStats {
  const executions: Record<string, ExecutionProfile> = {};
  const ex = r.optObject(v.executions, `${path}.executions`) ?? {};
  const atRegion = r.optObject(ex.at_region, `${path}.executions.at_region`) ?? {};
  for (const [region, pv] of Object.entries(atRegion)) {
    const p = r.object(pv, `${path}.executions.at_region.${region}`);
    const ppath = `${path}.executions.at_region.${region}`;
    const auxPath = `${ppath}.auxiliary_data`;
    const aux = r.optObject(p.auxiliary_data, auxPath) ?? {};
    // Checked inline, field paths built only for an error: a path per key and row was most of the
    // import's time and garbage (thousands of keys per workflow).
    const auxiliary = Object.entries(aux).map(([k, rows]) => {
      if (!Array.isArray(rows)) r.array(rows, `${auxPath}.${k}`); // throws, naming the field
      const list = rows as unknown[];
      for (let i = 0; i < list.length; i++) {
        if (!isNumberOrNullRow(list[i])) r.numbersOrNull(list[i], `${auxPath}.${k}[${i}]`); // throws
      }
      return { durationS: parseNumericKey(r, k, auxPath), rows: list as Array<Array<number | null>> };
    });
    const profile: ExecutionProfile = { durationsS: r.numbers(p.durations_s ?? [], `${ppath}.durations_s`), auxiliary };
    if (p.cpu_utilization !== undefined && p.cpu_utilization !== null)
      profile.cpuUtilization = r.number(p.cpu_utilization, `${ppath}.cpu_utilization`);
    executions[region] = profile;
  }
  const idx =
    r.optObject(ex.auxiliary_index_translation ?? ex.auxiliary_data_index, `${path}.executions.auxiliary_index_translation`) ?? {};
  const auxiliaryIndex: Record<string, number> = {};
  for (const [k, n] of Object.entries(idx)) auxiliaryIndex[k] = r.number(n, `${path}.executions.auxiliary_index_translation.${k}`);
  const stats: InstanceStats = { executions, auxiliaryIndex };
  if (v.cpu_utilization !== undefined && v.cpu_utilization !== null)
    stats.cpuUtilization = r.number(v.cpu_utilization, `${path}.cpu_utilization`);
  return stats;
}

function importInstanceStats(r: JsonReader, v: Obj, path: string): InstanceStats {
  return importExecutions(r, v, path);
}

function importBestFit(r: JsonReader, v: unknown, path: string): BestFitLine | undefined {
  const o = r.optObject(v, path);
  if (!o) return undefined;
  return {
    slopeSPerGB: r.number(o.slope_s, `${path}.slope_s`),
    interceptS: r.number(o.intercept_s, `${path}.intercept_s`),
    minLatencyS: r.number(o.min_latency_s, `${path}.min_latency_s`),
    maxLatencyS: r.number(o.max_latency_s, `${path}.max_latency_s`),
  };
}

function importEdge(r: JsonReader, from: string, to: string, v: Obj, path: string): EdgeStats {
  const latencies: Record<string, Record<string, RegionPairLatency>> = {};
  const r2r = r.optObject(v.regions_to_regions, `${path}.regions_to_regions`) ?? {};
  for (const [fromRegion, tv] of Object.entries(r2r)) {
    const targets = r.object(tv, `${path}.regions_to_regions.${fromRegion}`);
    latencies[fromRegion] = {};
    for (const [toRegion, pv] of Object.entries(targets)) {
      const ppath = `${path}.regions_to_regions.${fromRegion}.${toRegion}`;
      const p = r.object(pv, ppath);
      const table =
        r.optObject(
          p.transfer_size_gb_to_transfer_latencies_s ?? p.transfer_size_to_transfer_latencies,
          `${ppath}.transfer_size_gb_to_transfer_latencies_s`,
        ) ?? {};
      const pair: RegionPairLatency = {
        bySizeGB: Object.entries(table).map(([k, lat]) => ({
          sizeGB: parseNumericKey(r, k, `${ppath}.transfer_size_gb_to_transfer_latencies_s`),
          latenciesS: r.numbers(lat, `${ppath}.transfer_size_gb_to_transfer_latencies_s.${k}`),
        })),
      };
      const bf = importBestFit(r, p.best_fit_line, `${ppath}.best_fit_line`);
      if (bf) pair.bestFit = bf;
      latencies[fromRegion][toRegion] = pair;
    }
  }
  const nonExecution: NonExecutionInfo[] = [];
  const ne = r.optObject(v.non_execution_info, `${path}.non_execution_info`) ?? {};
  for (const [k, nv] of Object.entries(ne)) {
    const npath = `${path}.non_execution_info.${k}`;
    const parts = k.split('>');
    if (parts.length !== 2 || !parts[0] || !parts[1]) r.fail(`${path}.non_execution_info`, 'keys "<predecessor>><sync node>"', k);
    const o = r.object(nv, npath);
    const lat: Record<string, Record<string, number[]>> = {};
    const nr2r = r.optObject(o.regions_to_regions, `${npath}.regions_to_regions`) ?? {};
    for (const [fr, tv] of Object.entries(nr2r)) {
      lat[fr] = {};
      for (const [tr, lv] of Object.entries(r.object(tv, `${npath}.regions_to_regions.${fr}`))) {
        const lo = r.object(lv, `${npath}.regions_to_regions.${fr}.${tr}`);
        lat[fr][tr] = r.numbers(lo.transfer_latencies_s ?? [], `${npath}.regions_to_regions.${fr}.${tr}.transfer_latencies_s`);
      }
    }
    nonExecution.push({
      predecessor: parts[0],
      syncNode: parts[1],
      syncDataResponseSizeGB: r.optNumber(o.sync_data_response_size_gb, `${npath}.sync_data_response_size_gb`, DEFAULT_SIZE_GB),
      snsTransferSizeGB: r.optNumber(o.sns_transfer_size_gb, `${npath}.sns_transfer_size_gb`, DEFAULT_SIZE_GB),
      latenciesS: lat,
    });
  }
  const edge: EdgeStats = {
    from,
    to,
    invocationProbability: r.optNumber(v.invocation_probability, `${path}.invocation_probability`, 0),
    transferSizesGB: r.optNumbers(v.transfer_sizes_gb, `${path}.transfer_sizes_gb`) ?? [],
    latencies,
    nonExecution,
  };
  if (edge.invocationProbability < 0 || edge.invocationProbability > 1)
    r.fail(`${path}.invocation_probability`, 'a probability in [0, 1]', edge.invocationProbability);
  // The collector writes sync_size_gb / sns_only_size_gb (the Python loader read the plural keys).
  const sync = v.sync_size_gb ?? v.sync_sizes_gb;
  if (sync !== undefined && sync !== null) edge.syncSizeGB = r.number(sync, `${path}.sync_size_gb`);
  const snsOnly = v.sns_only_size_gb ?? v.sns_only_sizes_gb;
  if (snsOnly !== undefined && snsOnly !== null) edge.snsOnlySizeGB = r.number(snsOnly, `${path}.sns_only_size_gb`);
  return edge;
}

function importStartHop(r: JsonReader, v: Obj, path: string): StartHopStats {
  const wpdSizeGB = r.optNumber(v.workflow_placement_decision_size_gb, `${path}.workflow_placement_decision_size_gb`, 0);
  const fromClient = r.optObject(v.from_client, `${path}.from_client`) ?? {};
  const sizes = r.optNumbers(fromClient.transfer_sizes_gb ?? v.transfer_sizes_gb, `${path}.from_client.transfer_sizes_gb`);
  const atRedirector: Record<string, InstanceStats> = {};
  const ar = r.optObject(v.at_redirector, `${path}.at_redirector`) ?? {};
  for (const [inst, sv] of Object.entries(ar)) {
    const o = r.object(sv, `${path}.at_redirector.${inst}`);
    // Stored as the executions part of an instance summary; accept it with or without the wrapper.
    atRedirector[inst] = importExecutions(r, 'executions' in o ? o : { executions: o }, `${path}.at_redirector.${inst}`);
  }
  const p = r.optNumber(v.wpd_at_function_probability, `${path}.wpd_at_function_probability`, 1);
  if (p < 0 || p > 1) r.fail(`${path}.wpd_at_function_probability`, 'a probability in [0, 1]', p);
  return { wpdAtFunctionProbability: p, wpdSizeGB, transferSizesGB: sizes && sizes.length > 0 ? sizes : [wpdSizeGB], atRedirector };
}

export { KIB_PER_GB };
