// Builders of small synthetic solver inputs for unit tests (no files involved).
import { DEFAULT_POWER } from '../../../shared/solver/constants.js';
import type { Constraints, EdgeStats, InstanceStats, RegionData, SolverInput } from '../../../shared/solver/types.js';

export interface SynthRegion {
  key: string;
  /** gCO2e/kWh for every hour (or per-hour map). */
  ci: number | Record<string, number>;
  egressUsdPerGB?: number;
}

export interface SynthInstance {
  name: string;
  /** region key → durations; '*' applies to every region without its own list. */
  durations: Record<string, number[]>;
  permitted?: string[];
  memoryMB?: number;
  cpuUtilization?: number;
}

export interface SynthEdge {
  from: string;
  to: string;
  p?: number;
  sizesGB?: number[];
}

export function syntheticInput(o: {
  regions: SynthRegion[];
  home?: string;
  instances: SynthInstance[];
  edges?: SynthEdge[];
  constraints?: Partial<Constraints>;
  latencyS?: number;
  wpdAtFunctionProbability?: number;
  startSizesGB?: number[];
}): SolverInput {
  const keys = o.regions.map((r) => r.key);
  const regionData: Record<string, RegionData> = {};
  const system = 'aws:us-west-2';
  for (const r of [...o.regions, ...(keys.includes(system) ? [] : [{ key: system, ci: 300 }])]) {
    const ci = typeof r.ci === 'number' ? { overall: r.ci } : r.ci;
    regionData[r.key] = {
      key: r.key,
      provider: 'aws',
      carbonIntensityByHour: ci,
      transmissionDistancesKm: {},
      prices: {
        computeUsdPerGBs: { x86_64: 1.66667e-5, arm64: 1.33334e-5 },
        invocationUsd: { x86_64: 2e-7, arm64: 2e-7 },
        egressUsdPerGB: (r as SynthRegion).egressUsdPerGB ?? 0.02,
        messageUsdPerRequest: 5e-7,
        dynamoReadUsdPerRU: 2.5e-7,
        dynamoWriteUsdPerWU: 1.25e-6,
      },
      power: { ...DEFAULT_POWER },
      latencyS: Object.fromEntries(keys.map((k) => [k, [k === r.key ? 0.001 : (o.latencyS ?? 0.05)]])),
      relativePerformance: 1,
    };
  }
  const edges: EdgeStats[] = (o.edges ?? []).map((e) => ({
    from: e.from,
    to: e.to,
    invocationProbability: e.p ?? 1,
    transferSizesGB: e.sizesGB ?? [1e-6],
    latencies: {},
    nonExecution: [],
  }));
  const instanceStats: Record<string, InstanceStats> = {};
  for (const i of o.instances) {
    const executions: InstanceStats['executions'] = {};
    for (const k of keys) {
      const d = i.durations[k] ?? i.durations['*'];
      if (d) executions[k] = { durationsS: d, auxiliary: [] };
    }
    instanceStats[i.name] = {
      executions,
      auxiliaryIndex: {},
      ...(i.cpuUtilization !== undefined ? { cpuUtilization: i.cpuUtilization } : {}),
    };
  }
  return {
    workflowId: 'synthetic-0.0.1',
    homeRegion: o.home ?? keys[0]!,
    regions: keys,
    regionData,
    systemRegion: system,
    instances: o.instances.map((i) => ({
      name: i.name,
      permittedRegions: i.permitted ?? keys,
      succeeding: (o.edges ?? []).filter((e) => e.from === i.name).map((e) => e.to),
      preceding: (o.edges ?? []).filter((e) => e.to === i.name).map((e) => e.from),
      memoryMB: i.memoryMB ?? 1024,
      vcpu: (i.memoryMB ?? 1024) / 1769,
      architecture: 'x86_64',
    })),
    edges,
    instanceStats,
    startHop: {
      wpdAtFunctionProbability: o.wpdAtFunctionProbability ?? 1,
      wpdSizeGB: 0,
      transferSizesGB: o.startSizesGB ?? [0],
      atRedirector: {},
    },
    constraints: { hard: {}, soft: {}, priorityOrder: ['carbon', 'runtime', 'cost'], ...o.constraints },
    algorithm: 'stochastic',
    workflowRuntimeSamplesS: [],
    dailyInvocationCounts: {},
    warnings: [],
  };
}

export const FIXTURES = new URL('../../fixtures/solver/', import.meta.url).pathname;
export const SHAPES = ['dna_visualization', 'integration_test_workflow', 'map_reduce'] as const;
