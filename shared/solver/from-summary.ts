// The workflow collector's core transformation: the log syncer's WorkflowSummary (its bounded run
// sample) + the workflow's record → the solver's per-workflow document (WorkflowDocument).
// Mirrors what the importer (importer.ts) derives from the Python workflow_instance_table and
// config, from runs reconstructed by services/log-syncer (docs/log-syncer.md).
//
// Cold starts: kept at their natural frequency (every execution is one sample, cold or warm), and a
// cold sample's duration includes its Init Duration (billed, and on the run's critical path). The
// Python system dropped every run with a cold start, which biased the solver toward warm starts.
import type { WorkflowDocument } from '../contracts/collected-data.js';
import type { SyncedRun, WorkflowSummary } from '../contracts/workflow-summary.js';
import type { WorkflowRecord } from '../workflows/record.js';
import { ALGORITHM_NAMES } from './constants.js';
import { constraintsFromConfig } from './constraints-from-config.js';
import { roundUpToKiB, roundUpToMs } from './formulas.js';
import type { BestFitLine, EdgeStats, ExecutionProfile, InstanceSpec, InstanceStats, RegionPairLatency, StartHopStats } from './types.js';

export const COLD_START_POLICY =
  'natural-frequency: cold and warm executions are equally weighted samples; a cold sample includes its Init Duration';
export const BYTES_PER_GB = 1024 ** 3;
/** Invocation probability of a conditional call site never observed (an unconditional one: 1). */
export const UNOBSERVED_CONDITIONAL_PROBABILITY = 0.5;

export interface FromSummaryOptions {
  now: Date;
  /**
   * Candidate regions (the regions collector's list). Without it, an instance's permitted regions
   * are its allowed list, else the home region plus the regions it was observed in, minus the
   * disallowed ones.
   */
  availableRegions?: string[];
}

const key = (r: { provider: string; region: string }) => `${r.provider}:${r.region}`;
const gb = (bytes: number) => bytes / BYTES_PER_GB;
const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

export function workflowDocumentFromSummary(
  summary: WorkflowSummary,
  record: WorkflowRecord,
  options: FromSummaryOptions,
): WorkflowDocument {
  const runs = [...summary.runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const config = record.config;
  const homeRegion = record.home_region ?? key(config.home_region);
  const dag = record.dag;

  const observedRegions = new Map<string, Set<string>>();
  for (const run of runs)
    for (const i of run.instances)
      (observedRegions.get(i.instance) ?? observedRegions.set(i.instance, new Set()).get(i.instance)!).add(i.region);

  const instances: InstanceSpec[] = Object.values(dag.instances).map((inst) => {
    const rp = inst.regions_and_providers;
    const allowed = rp.allowed_regions?.map(key);
    const disallowed = new Set(rp.disallowed_regions?.map(key) ?? []);
    const candidates = options.availableRegions ?? [homeRegion, ...[...(observedRegions.get(inst.instance_name) ?? [])].sort()];
    let permitted = allowed ? (options.availableRegions ? candidates.filter((r) => allowed.includes(r)) : allowed) : candidates;
    permitted = [...new Set(permitted)].filter((r) => !disallowed.has(r) && r.startsWith('aws:'));
    if (permitted.length === 0) permitted = [homeRegion];
    const aws = (rp.providers?.aws?.config ?? config.regions_and_providers.providers.aws?.config ?? {}) as {
      memory?: number;
      vcpu?: number;
      architecture?: string;
    };
    const memoryMB = aws.memory ?? 1024;
    return {
      name: inst.instance_name,
      permittedRegions: permitted,
      succeeding: [...inst.succeeding_instances],
      preceding: [...inst.preceding_instances],
      memoryMB,
      vcpu: typeof aws.vcpu === 'number' && aws.vcpu > 0 ? aws.vcpu : memoryMB / 1769,
      architecture: aws.architecture === 'arm64' ? 'arm64' : 'x86_64',
    };
  });

  return {
    collected_at: options.now.toISOString(),
    provenance: {
      source: 'log-syncer-summary',
      detail: `summary version ${summary.version}, ${runs.length} of ${summary.totalRuns} runs`,
      ...(runs.length > 0 ? { period: `${runs[0]!.startedAt}/${runs.at(-1)!.startedAt}` } : {}),
    },
    workflow_id: record.workflow_id,
    runs: runs.length,
    ...(runs.length > 0 ? { firstRunAt: runs[0]!.startedAt, lastRunAt: runs.at(-1)!.startedAt } : {}),
    coldStartPolicy: COLD_START_POLICY,
    homeRegion,
    instances,
    edges: edgeStats(runs, record),
    instanceStats: instanceStats(runs, record),
    startHop: startHop(runs),
    constraints: constraintsFromConfig(config.constraints),
    algorithm: (config.deployment_algorithm && ALGORITHM_NAMES[config.deployment_algorithm]) || 'stochastic',
    workflowRuntimeSamplesS: runs.filter((r) => r.succeeded).map((r) => r.runtimeS),
    dailyInvocationCounts: Object.fromEntries(Object.entries(summary.daily).map(([day, d]) => [day, d.invocations])),
  };
}

function instanceStats(runs: SyncedRun[], record: WorkflowRecord): Record<string, InstanceStats> {
  const out: Record<string, InstanceStats> = {};
  for (const inst of Object.values(record.dag.instances)) {
    const auxiliaryIndex: Record<string, number> = { data_transfer_during_execution_gb: 0 };
    inst.succeeding_instances.forEach((s, i) => (auxiliaryIndex[s] = i + 1));
    out[inst.instance_name] = { executions: {}, auxiliaryIndex };
  }
  for (const run of runs) {
    for (const exec of run.instances) {
      const stats = out[exec.instance];
      if (!stats) continue; // an instance of an older DAG
      const profile: ExecutionProfile = (stats.executions[exec.region] ??= { durationsS: [], auxiliary: [] });
      const durationS = exec.durationS + (exec.coldStart ? (exec.initDurationS ?? 0) : 0);
      profile.durationsS.push(durationS);
      // Row: [data transfer during execution GB (not measured: 0), offset of each successor call or null].
      const row: Array<number | null> = [
        0,
        ...Object.keys(stats.auxiliaryIndex)
          .slice(1)
          .map(() => null),
      ];
      for (const edge of run.edges) {
        if (edge.from !== exec.instance || !edge.invoked || edge.invocationOffsetS === undefined) continue;
        const column = stats.auxiliaryIndex[edge.to];
        if (column !== undefined) row[column] = roundUpToMs(edge.invocationOffsetS, 1);
      }
      const bucket = roundUpToMs(durationS, 10);
      let entry = profile.auxiliary.find((a) => Math.abs(a.durationS - bucket) < 1e-9);
      if (!entry) profile.auxiliary.push((entry = { durationS: bucket, rows: [] }));
      entry.rows.push(row);
    }
  }
  return out;
}

function bestFit(buckets: Array<{ sizeGB: number; latenciesS: number[] }>): BestFitLine | undefined {
  if (buckets.length === 0) return undefined;
  const A = mean(buckets.map((b) => mean(b.latenciesS)));
  let slope = 0;
  let intercept = A;
  if (buckets.length > 1) {
    const points = buckets.flatMap((b) => b.latenciesS.map((l) => [b.sizeGB, l] as const));
    const mx = mean(points.map((p) => p[0]));
    const my = mean(points.map((p) => p[1]));
    const sxx = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
    const fitted = sxx > 0 ? points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / sxx : 0;
    const b0 = my - fitted * mx;
    if (b0 > 0 && fitted >= 0) {
      slope = fitted;
      intercept = b0;
    }
  }
  return { slopeSPerGB: slope, interceptS: intercept, minLatencyS: 0.7 * A, maxLatencyS: 1.3 * A };
}

function edgeStats(runs: SyncedRun[], record: WorkflowRecord): EdgeStats[] {
  const out: EdgeStats[] = [];
  const dag = record.dag;
  const seen = new Set<string>();
  for (const inst of Object.values(dag.instances)) {
    for (const to of inst.succeeding_instances) {
      const id = `${inst.instance_name}\u0000${to}`;
      if (seen.has(id)) continue;
      seen.add(id);
      let invoked = 0;
      let notInvoked = 0;
      const sizes: number[] = [];
      const latencies = new Map<string, Map<number, number[]>>();
      for (const run of runs) {
        for (const e of run.edges) {
          if (e.from !== inst.instance_name || e.to !== to) continue;
          if (!e.invoked) {
            notInvoked++;
            continue;
          }
          invoked++;
          const sizeGB = gb(e.payloadBytes ?? 0);
          sizes.push(sizeGB);
          if (e.latencyS !== undefined && e.toRegion) {
            const pair = `${e.fromRegion}\u0000${e.toRegion}`;
            const byBucket = latencies.get(pair) ?? latencies.set(pair, new Map()).get(pair)!;
            const bucket = roundUpToKiB(sizeGB);
            (byBucket.get(bucket) ?? byBucket.set(bucket, []).get(bucket)!).push(e.latencyS);
          }
        }
      }
      const conditional = Object.values(dag.edges).some((e) => e.from === inst.instance_name && e.to === to && e.conditional);
      const observed = invoked + notInvoked;
      const toSync = dag.instances[to]?.is_sync === true;
      const byPair: Record<string, Record<string, RegionPairLatency>> = {};
      for (const [pair, byBucket] of latencies) {
        const [from, toRegion] = pair.split('\u0000') as [string, string];
        const bySizeGB = [...byBucket].sort((a, b) => a[0] - b[0]).map(([sizeGB, latenciesS]) => ({ sizeGB, latenciesS }));
        const fit = bestFit(bySizeGB);
        (byPair[from] ??= {})[toRegion] = fit ? { bySizeGB, bestFit: fit } : { bySizeGB };
      }
      const edge: EdgeStats = {
        from: inst.instance_name,
        to,
        invocationProbability: observed > 0 ? invoked / observed : conditional ? UNOBSERVED_CONDITIONAL_PROBABILITY : 1,
        transferSizesGB: sizes,
        latencies: byPair,
        nonExecution: (dag.instances[to]?.dependent_sync_predecessors ?? []).map(([predecessor, syncNode]) => ({
          predecessor,
          syncNode,
          syncDataResponseSizeGB: 0,
          snsTransferSizeGB: 0,
          latenciesS: {},
        })),
      };
      if (toSync && sizes.length > 0) edge.syncSizeGB = mean(sizes);
      out.push(edge);
    }
  }
  return out;
}

function startHop(runs: SyncedRun[]): StartHopStats {
  const wpd = runs.map((r) => gb(r.wpdBytes)).filter((x) => x > 0);
  const wpdSizeGB = mean(wpd);
  const sizes = runs.map((r) => gb(r.userPayloadBytes));
  // Runs start at the entry function, which always reads the placement document itself.
  return { wpdAtFunctionProbability: 1, wpdSizeGB, transferSizesGB: sizes.length > 0 ? sizes : [wpdSizeGB], atRedirector: {} };
}
