// The carbon accounting of `caribou report`: what the runs that actually executed emitted (modeled),
// against the same runs executed entirely in the home region (the counterfactual). Pure: the inputs
// are the documents the services wrote (contracts in shared/contracts/), the model is the solver's
// (shared/solver/formulas.ts, caribou-spec §7.7–7.8) applied to observed durations. docs/report.md.
import type { CarbonDocument, ProviderDocument, Provenance } from '../../../shared/contracts/collected-data.js';
import type { PlanMetrics, RegionKey, WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { SyncedRun, WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import {
  cpuPowerKW,
  executionCarbonG,
  executionEnergyKWh,
  routeCarbonIntensity,
  transmissionCarbonG,
} from '../../../shared/solver/formulas.js';
import {
  AWS_MB_PER_VCPU,
  DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH,
  DEFAULT_CPU_UTILIZATION,
  DEFAULT_POWER,
  DEFAULT_PRICES,
  KIB_PER_GB,
} from '../../../shared/solver/constants.js';

export interface ReportInput {
  workflowId: string;
  now: Date;
  homeRegion: RegionKey;
  /** function name -> configured memory, MB (workflows table's function descriptions). */
  memoryMbByFunction: Record<string, number>;
  /** Memory used for a function missing from memoryMbByFunction (the workflow config's), MB. */
  defaultMemoryMb: number;
  summary?: WorkflowSummary;
  carbon: Record<RegionKey, CarbonDocument>;
  provider: Record<RegionKey, ProviderDocument>;
  placement?: WorkflowPlacementDocument;
  /** Regions the workflow may use (config allow-list ∪ deployed ∪ planned ∪ observed). */
  candidateRegions: RegionKey[];
}

/** The modeled footprint and cost of one run, as executed and as if everything ran at home. */
export interface RunAccount {
  run_id: string;
  startedAt: string;
  /** UTC day "YYYY-MM-DD" and hour of startedAt: the grid hour charged. */
  day: string;
  hour: number;
  succeeded: boolean;
  runtimeS: number;
  /** Regions where at least one instance executed. */
  regions: RegionKey[];
  /** At least one instance executed outside the home region. */
  moved: boolean;
  actual: { executionG: number; transmissionG: number; totalG: number; costUsd: number };
  home: { executionG: number; transmissionG: number; totalG: number; costUsd: number };
}

export interface Totals {
  gCO2e: number;
  executionGCO2e: number;
  transmissionGCO2e: number;
  costUsd: number;
}

export interface Report {
  workflow_id: string;
  generated_at: string;
  home_region: RegionKey;
  runs: {
    /** Runs in the synced sample the accounting covers. */
    accounted: number;
    /** Runs ever synced (the summary keeps a bounded sample; see docs/report.md). */
    total_synced: number;
    succeeded: number;
    /** Runs with at least one instance outside home. */
    moved: number;
    first_started_at: string | null;
    last_started_at: string | null;
    last_synced_at: string | null;
  };
  carbon: {
    unit: 'gCO2e';
    actual: Totals;
    home_counterfactual: Totals;
    saved_gCO2e: number;
    /** saved / home × 100; null when the counterfactual is 0. */
    saved_percent: number | null;
    per_run_actual_gCO2e: number | null;
    per_run_home_gCO2e: number | null;
  };
  cost: { unit: 'USD'; actual: number; home_counterfactual: number; delta: number; delta_percent: number | null };
  runtime: {
    unit: 's';
    p50_all: number | null;
    p95_all: number | null;
    /** p95 of runs executed entirely at home / of runs with an instance elsewhere (null: none). */
    p95_home_runs: number | null;
    p95_moved_runs: number | null;
    home_runs: number;
    moved_runs: number;
  };
  per_day: Array<{ day: string; runs: number; moved: number; actual_gCO2e: number; home_gCO2e: number; saved_gCO2e: number }>;
  per_region: Array<{
    region: RegionKey;
    runs: number;
    instance_executions: number;
    actual_gCO2e: number;
    by_function: Record<string, number>;
  }>;
  intensity: {
    /** Hourly points from now−24 h to now+24 h for every candidate region (value = the document's value for that UTC hour). */
    points: Array<{ region: RegionKey; time: string; hour: number; gCO2ePerKWh: number; when: 'past' | 'next' }>;
    profiles: Record<RegionKey, CarbonDocument['hourlyProfile'] | 'missing'>;
  };
  placement: {
    /** Plan in force at generated_at (false: none, or expired: every instance runs at home). */
    active: boolean;
    expiry_time: string | null;
    time_keys: number[];
    /** Per UTC hour 0..23 and instance: the region the runtime would pick (home without an active plan). */
    hours: Array<{ hour: number; instance: string; function: string; region: RegionKey }>;
    /** Expected per-run metrics of the plan vs all-home, averaged over the plan's hours (the solver's). */
    expected: { plan: PlanMetrics; home: PlanMetrics } | null;
    home_run_ratio: number | null;
  };
  sources: Array<{ data: string; region?: RegionKey; collected_at?: string } & Provenance>;
  /** Where defaults stood in for missing data (never silent). */
  assumptions: string[];
  runs_detail: RunAccount[];
}

const round = (x: number, digits = 2) => Number(x.toFixed(digits));
/** Figures keep 10 significant digits: a run emits milligrams, a day may emit kilograms. */
const sig = (x: number) => (x === 0 ? 0 : Number(x.toPrecision(10)));

/** Linear-interpolated percentile (numpy's default), null on an empty list. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

/** gCO2e/kWh of `region` at UTC `hour`: the hourly value, else the overall one; undefined when not collected. */
export function intensityAt(carbon: Record<RegionKey, CarbonDocument>, region: RegionKey, hour: number): number | undefined {
  const doc = carbon[region];
  if (!doc) return undefined;
  const hourly = doc.hourlyGCO2ePerKWh[hour];
  return typeof hourly === 'number' && Number.isFinite(hourly) ? hourly : doc.overallGCO2ePerKWh;
}

/** Function name of an instance ("map_reduce-0_0_1-mapper:entry_point:0" → "mapper"), or the synced `function`. */
export function functionOfInstance(instance: string, fallback?: string): string {
  if (fallback) return fallback;
  const head = instance.split(':')[0] ?? instance;
  return head.slice(head.lastIndexOf('-') + 1);
}

/** Short label of an instance: every "<workflow>-<version>-" prefix dropped ("image_processor:get_requests_0_0:1"). */
export function shortInstance(instance: string): string {
  return instance.replace(/[A-Za-z0-9_]+-\d+(?:_\d+)*-/g, '');
}

/** The plan hour in force at UTC `hour`: the numerically largest key <= hour (the runtime's rule). */
export function planKeyFor(timeKeys: number[], hour: number): number | undefined {
  let chosen: number | undefined;
  for (const key of [...timeKeys].sort((a, b) => a - b)) if (key <= hour) chosen = key;
  return chosen;
}

class Model {
  readonly assumptions = new Set<string>();
  constructor(private readonly input: ReportInput) {}

  intensity(region: RegionKey, hour: number): number {
    const value = intensityAt(this.input.carbon, region, hour);
    if (value !== undefined) return value;
    this.assumptions.add(
      `no carbon document for ${region}: ${DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH} gCO2e/kWh (the solver's default) used`,
    );
    return DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH;
  }

  power(region: RegionKey): ProviderDocument['power'] {
    const doc = this.input.provider[region];
    if (doc) return doc.power;
    this.assumptions.add(`no provider document for ${region}: the solver's default power model (PUE ${DEFAULT_POWER.pue}) and prices used`);
    return DEFAULT_POWER;
  }

  prices(region: RegionKey): { usdPerGBs: number; usdPerRequest: number; sqsUsdPerRequest: number; egressUsdPerGB: number } {
    const doc = this.input.provider[region];
    if (!doc) {
      this.power(region); // records the assumption
      return {
        usdPerGBs: DEFAULT_PRICES.computeUsdPerGBs,
        usdPerRequest: DEFAULT_PRICES.invocationUsd,
        sqsUsdPerRequest: DEFAULT_PRICES.messageUsdPerRequest,
        egressUsdPerGB: DEFAULT_PRICES.egressUsdPerGB,
      };
    }
    return {
      usdPerGBs: doc.lambdaUsdPerGBs.x86_64,
      usdPerRequest: doc.lambdaUsdPerRequest.x86_64,
      sqsUsdPerRequest: doc.sqsUsdPerRequest,
      egressUsdPerGB: doc.interRegionEgressUsdPerGB,
    };
  }

  memoryMb(fn: string): number {
    const mb = this.input.memoryMbByFunction[fn];
    if (mb !== undefined) return mb;
    this.assumptions.add(`memory of function ${fn} unknown: ${this.input.defaultMemoryMb} MB (the workflow's configured memory) used`);
    return this.input.defaultMemoryMb;
  }

  /** gCO2e of one execution of `durationS` by a function of `memoryMb` in `region` at `hour`. */
  executionG(durationS: number, memoryMb: number, region: RegionKey, hour: number): number {
    const power = this.power(region);
    const energy = executionEnergyKWh(
      durationS,
      cpuPowerKW(DEFAULT_CPU_UTILIZATION, power.cpuMinKW, power.cpuMaxKW),
      memoryMb / AWS_MB_PER_VCPU,
      power.memoryKWPerGB,
      memoryMb / 1024,
    );
    return executionCarbonG(energy, power.pue, this.intensity(region, hour));
  }

  account(run: SyncedRun): RunAccount {
    const home = this.input.homeRegion;
    const started = new Date(run.startedAt);
    const hour = started.getUTCHours();
    const actual = { executionG: 0, transmissionG: 0, totalG: 0, costUsd: 0 };
    const atHome = { executionG: 0, transmissionG: 0, totalG: 0, costUsd: 0 };
    const regions = new Set<RegionKey>();
    for (const instance of run.instances) {
      regions.add(instance.region);
      const memoryMb = this.memoryMb(functionOfInstance(instance.instance, instance.function));
      actual.executionG += this.executionG(instance.durationS, memoryMb, instance.region, hour);
      atHome.executionG += this.executionG(instance.durationS, memoryMb, home, hour);
      const p = this.prices(instance.region);
      const h = this.prices(home);
      actual.costUsd += p.usdPerGBs * (memoryMb / 1024) * instance.durationS + p.usdPerRequest;
      atHome.costUsd += h.usdPerGBs * (memoryMb / 1024) * instance.durationS + h.usdPerRequest;
    }
    for (const edge of run.edges) {
      if (!edge.invoked) continue;
      const to = edge.toRegion ?? edge.fromRegion;
      const sizeGB = (edge.payloadBytes ?? 0) / 1024 / KIB_PER_GB;
      const same = to === edge.fromRegion;
      actual.transmissionG += transmissionCarbonG(
        sizeGB,
        routeCarbonIntensity(this.intensity(edge.fromRegion, hour), this.intensity(to, hour), same),
      );
      atHome.transmissionG += transmissionCarbonG(sizeGB, this.intensity(home, hour));
      const p = this.prices(edge.fromRegion);
      actual.costUsd += p.sqsUsdPerRequest + (same ? 0 : sizeGB * p.egressUsdPerGB);
      atHome.costUsd += this.prices(home).sqsUsdPerRequest;
    }
    actual.totalG = actual.executionG + actual.transmissionG;
    atHome.totalG = atHome.executionG + atHome.transmissionG;
    return {
      run_id: run.run_id,
      startedAt: run.startedAt,
      day: run.startedAt.slice(0, 10),
      hour,
      succeeded: run.succeeded,
      runtimeS: run.runtimeS,
      regions: [...regions].sort(),
      moved: [...regions].some((r) => r !== home),
      actual,
      home: atHome,
    };
  }
}

function sum(
  accounts: RunAccount[],
  pick: (a: RunAccount) => { executionG: number; transmissionG: number; totalG: number; costUsd: number },
): Totals {
  const t = { gCO2e: 0, executionGCO2e: 0, transmissionGCO2e: 0, costUsd: 0 };
  for (const a of accounts) {
    const v = pick(a);
    t.gCO2e += v.totalG;
    t.executionGCO2e += v.executionG;
    t.transmissionGCO2e += v.transmissionG;
    t.costUsd += v.costUsd;
  }
  return {
    gCO2e: sig(t.gCO2e),
    executionGCO2e: sig(t.executionGCO2e),
    transmissionGCO2e: sig(t.transmissionGCO2e),
    costUsd: sig(t.costUsd),
  };
}

function averageMetrics(all: PlanMetrics[]): PlanMetrics {
  const keys: (keyof PlanMetrics)[] = ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime'];
  return Object.fromEntries(keys.map((k) => [k, all.reduce((s, m) => s + m[k], 0) / all.length])) as unknown as PlanMetrics;
}

function placementView(input: ReportInput): Report['placement'] {
  const wpd = input.placement;
  const plan = wpd?.current_deployment;
  const active = Boolean(plan && Date.parse(plan.expiry_time) > input.now.getTime());
  const instances = wpd ? Object.keys(wpd.instance_functions).sort() : [];
  const hours: Report['placement']['hours'] = [];
  for (let hour = 0; hour < 24; hour++) {
    const key = active && plan ? planKeyFor(plan.time_keys, hour) : undefined;
    for (const instance of instances) {
      const region = (key !== undefined ? plan!.hours[String(key)]?.[instance] : undefined) ?? input.homeRegion;
      hours.push({ hour, instance, function: wpd!.instance_functions[instance]!, region });
    }
  }
  const metrics = plan?.metrics ? Object.values(plan.metrics) : [];
  return {
    active,
    expiry_time: plan?.expiry_time ?? null,
    time_keys: plan?.time_keys ?? [],
    hours,
    expected: metrics.length
      ? { plan: averageMetrics(metrics.map((m) => m.metrics)), home: averageMetrics(metrics.map((m) => m.home_metrics)) }
      : null,
    home_run_ratio: wpd?.home_run_ratio ?? null,
  };
}

function intensityView(input: ReportInput): Report['intensity'] {
  const base = Math.floor(input.now.getTime() / 3_600_000) * 3_600_000;
  const points: Report['intensity']['points'] = [];
  const profiles: Report['intensity']['profiles'] = {};
  for (const region of input.candidateRegions) {
    profiles[region] = input.carbon[region]?.hourlyProfile ?? 'missing';
    for (let offset = -24; offset <= 24; offset++) {
      const t = new Date(base + offset * 3_600_000);
      const value = intensityAt(input.carbon, region, t.getUTCHours());
      if (value === undefined) continue;
      points.push({ region, time: t.toISOString(), hour: t.getUTCHours(), gCO2ePerKWh: value, when: offset <= 0 ? 'past' : 'next' });
    }
  }
  return { points, profiles };
}

function sourcesOf(input: ReportInput, regions: RegionKey[]): Report['sources'] {
  const sources: Report['sources'] = [];
  for (const region of regions) {
    const c = input.carbon[region];
    if (c)
      sources.push({ data: `grid intensity (zone ${c.zone}, ${c.hourlyProfile})`, region, collected_at: c.collected_at, ...c.provenance });
    const p = input.provider[region];
    if (p) sources.push({ data: 'power model and prices', region, collected_at: p.collected_at, ...p.provenance });
  }
  if (input.summary)
    sources.push({
      data: 'runs',
      source: 'log-syncer workflow summary',
      detail: `${input.summary.runs.length} runs in the sample, ${input.summary.totalRuns} ever synced`,
      collected_at: input.summary.lastSyncedAt,
    });
  return sources;
}

export function computeReport(input: ReportInput): Report {
  const model = new Model(input);
  const runs = [...(input.summary?.runs ?? [])].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const accounts = runs.map((r) => model.account(r));
  const actual = sum(accounts, (a) => a.actual);
  const home = sum(accounts, (a) => a.home);
  const saved = sig(home.gCO2e - actual.gCO2e);

  const days = new Map<string, Report['per_day'][number]>();
  for (const a of accounts) {
    const d = days.get(a.day) ?? { day: a.day, runs: 0, moved: 0, actual_gCO2e: 0, home_gCO2e: 0, saved_gCO2e: 0 };
    d.runs++;
    if (a.moved) d.moved++;
    d.actual_gCO2e += a.actual.totalG;
    d.home_gCO2e += a.home.totalG;
    days.set(a.day, d);
  }
  const perDay = [...days.values()].map((d) => ({
    ...d,
    actual_gCO2e: sig(d.actual_gCO2e),
    home_gCO2e: sig(d.home_gCO2e),
    saved_gCO2e: sig(d.home_gCO2e - d.actual_gCO2e),
  }));

  const regions = new Map<RegionKey, Report['per_region'][number]>();
  runs.forEach((run, i) => {
    const hour = accounts[i]!.hour;
    for (const region of accounts[i]!.regions) {
      const r = regions.get(region) ?? { region, runs: 0, instance_executions: 0, actual_gCO2e: 0, by_function: {} };
      r.runs++;
      regions.set(region, r);
    }
    for (const instance of run.instances) {
      const r = regions.get(instance.region)!;
      const fn = functionOfInstance(instance.instance, instance.function);
      r.instance_executions++;
      r.by_function[fn] = (r.by_function[fn] ?? 0) + 1;
      r.actual_gCO2e += model.executionG(instance.durationS, model.memoryMb(fn), instance.region, hour);
    }
  });
  const perRegion = [...regions.values()]
    .map((r) => ({ ...r, actual_gCO2e: sig(r.actual_gCO2e) }))
    .sort((a, b) => a.region.localeCompare(b.region));

  const succeededRuntimes = (filter: (a: RunAccount) => boolean) => accounts.filter((a) => a.succeeded && filter(a)).map((a) => a.runtimeS);
  const p95 = (values: number[]) => {
    const v = percentile(values, 95);
    return v === null ? null : round(v, 4);
  };
  const allRuntimes = succeededRuntimes(() => true);
  const candidates = [...new Set([input.homeRegion, ...input.candidateRegions, ...perRegion.map((r) => r.region)])].sort();
  const report: Report = {
    workflow_id: input.workflowId,
    generated_at: input.now.toISOString(),
    home_region: input.homeRegion,
    runs: {
      accounted: accounts.length,
      total_synced: input.summary?.totalRuns ?? 0,
      succeeded: accounts.filter((a) => a.succeeded).length,
      moved: accounts.filter((a) => a.moved).length,
      first_started_at: runs[0]?.startedAt ?? null,
      last_started_at: runs.at(-1)?.startedAt ?? null,
      last_synced_at: input.summary?.lastSyncedAt ?? null,
    },
    carbon: {
      unit: 'gCO2e',
      actual,
      home_counterfactual: home,
      saved_gCO2e: saved,
      saved_percent: home.gCO2e > 0 ? round((saved / home.gCO2e) * 100, 2) : null,
      per_run_actual_gCO2e: accounts.length ? sig(actual.gCO2e / accounts.length) : null,
      per_run_home_gCO2e: accounts.length ? sig(home.gCO2e / accounts.length) : null,
    },
    cost: {
      unit: 'USD',
      actual: actual.costUsd,
      home_counterfactual: home.costUsd,
      delta: sig(actual.costUsd - home.costUsd),
      delta_percent: home.costUsd > 0 ? round(((actual.costUsd - home.costUsd) / home.costUsd) * 100, 2) : null,
    },
    runtime: {
      unit: 's',
      p50_all: percentile(allRuntimes, 50) === null ? null : round(percentile(allRuntimes, 50)!, 4),
      p95_all: p95(allRuntimes),
      p95_home_runs: p95(succeededRuntimes((a) => !a.moved)),
      p95_moved_runs: p95(succeededRuntimes((a) => a.moved)),
      home_runs: accounts.filter((a) => !a.moved).length,
      moved_runs: accounts.filter((a) => a.moved).length,
    },
    per_day: perDay,
    per_region: perRegion,
    intensity: intensityView({ ...input, candidateRegions: candidates }),
    placement: placementView(input),
    sources: sourcesOf(input, candidates),
    assumptions: [],
    runs_detail: accounts,
  };
  report.assumptions = [...model.assumptions].sort();
  return report;
}
