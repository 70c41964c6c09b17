// Typed input model of the deployment solver. The importer (importer.ts) builds it from the
// Python system's stored table values; everything downstream works on these types only.
import type { PlanMetrics, RegionKey } from '../contracts/placement.js';

export type { PlanMetrics, RegionKey };

export type MetricName = 'cost' | 'runtime' | 'carbon';
export type AlgorithmName = 'coarse' | 'fine' | 'stochastic';
export type CalculatorType = 'simple' | 'go';

export interface Constraint {
  type: 'absolute' | 'relative';
  /** absolute: USD, s or gCO2e per run; relative: percent of the home deployment's value. */
  value: number;
}

export interface Constraints {
  hard: Partial<Record<MetricName, Constraint>>;
  soft: Partial<Record<MetricName, Constraint>>;
  /** Full order of the three metrics; the first is the objective. */
  priorityOrder: MetricName[];
}

/** Per-region facts (one entry per candidate region and for the system region). */
export interface RegionData {
  key: RegionKey;
  provider: string;
  /** "overall" and "0".."23" → gCO2e/kWh; missing hours fall back to overall, then to 410. */
  carbonIntensityByHour: Partial<Record<string, number>>;
  /** region key → km (informational, used by the deployment manager). */
  transmissionDistancesKm: Record<string, number>;
  prices?: RegionPrices;
  power: RegionPower;
  /** target region key → observed latency distribution in seconds. */
  latencyS: Record<string, number[]>;
  relativePerformance: number;
}

export interface RegionPrices {
  computeUsdPerGBs: { x86_64: number; arm64: number };
  invocationUsd: { x86_64: number; arm64: number };
  /** Egress within the provider (the rate Caribou always charges). */
  egressUsdPerGB: number;
  /** One message between functions (64 KiB chunk): SQS here, SNS in the Python system. */
  messageUsdPerRequest: number;
  dynamoReadUsdPerRU: number;
  dynamoWriteUsdPerWU: number;
}

export interface RegionPower {
  pue: number;
  cfe: number;
  memoryKWPerGB: number;
  cpuMinKW: number;
  cpuMaxKW: number;
}

export interface BestFitLine {
  slopeSPerGB: number;
  interceptS: number;
  minLatencyS: number;
  maxLatencyS: number;
}

/** Observed latencies of one (from region, to region) pair of one edge. */
export interface RegionPairLatency {
  /** size bucket in GB (rounded up to 10 KiB) → latencies in s. */
  bySizeGB: Array<{ sizeGB: number; latenciesS: number[] }>;
  bestFit?: BestFitLine;
}

export interface NonExecutionInfo {
  /** The sync predecessor that is marked as "not calling" and the sync node it informs. */
  predecessor: string;
  syncNode: string;
  syncDataResponseSizeGB: number;
  snsTransferSizeGB: number;
  /** from region → to region → latencies (s). */
  latenciesS: Record<string, Record<string, number[]>>;
}

export interface EdgeStats {
  from: string;
  to: string;
  invocationProbability: number;
  transferSizesGB: number[];
  /** Average payload written to the sync table per call (sync successors only). */
  syncSizeGB?: number;
  /** Average SNS message size when the payload went through the sync table. */
  snsOnlySizeGB?: number;
  /** from region → to region → observed latencies. */
  latencies: Record<string, Record<string, RegionPairLatency>>;
  nonExecution: NonExecutionInfo[];
}

export interface ExecutionProfile {
  durationsS: number[];
  cpuUtilization?: number;
  /** Rows of [data transfer during execution GB, successor offsets (s) | null ...] by 10-ms duration bucket. */
  auxiliary: Array<{ durationS: number; rows: Array<Array<number | null>> }>;
}

export interface InstanceStats {
  cpuUtilization?: number;
  /** region key → profile. */
  executions: Record<string, ExecutionProfile>;
  /** successor instance name → column in auxiliary rows (column 0 is data transfer during execution). */
  auxiliaryIndex: Record<string, number>;
}

export interface StartHopStats {
  wpdAtFunctionProbability: number;
  wpdSizeGB: number;
  transferSizesGB: number[];
  /** Execution profiles of the redirector, per entry instance. */
  atRedirector: Record<string, InstanceStats>;
}

export interface InstanceSpec {
  name: string;
  /** Candidate region keys this instance may run in (already filtered). */
  permittedRegions: RegionKey[];
  succeeding: string[];
  preceding: string[];
  memoryMB: number;
  vcpu: number;
  architecture: 'x86_64' | 'arm64';
}

export interface SolverInput {
  workflowId: string;
  homeRegion: RegionKey;
  /** Candidate regions in the region order of available_regions_table. */
  regions: RegionKey[];
  regionData: Record<RegionKey, RegionData>;
  /** The region that holds the framework tables (WPD reads come from here). */
  systemRegion: RegionKey;
  instances: InstanceSpec[];
  edges: EdgeStats[];
  instanceStats: Record<string, InstanceStats>;
  startHop: StartHopStats;
  constraints: Constraints;
  algorithm: AlgorithmName;
  /** Observed end-to-end runtimes and daily counts (used by the deployment manager). */
  workflowRuntimeSamplesS: number[];
  dailyInvocationCounts: Record<string, number>;
  /** Non-fatal findings of the importer (regions dropped for missing data …). */
  warnings: string[];
}

/** Placement = region index (into SolverInput.regions) per instance index. */
export type Placement = ArrayLike<number>;

export interface CalculatorOptions {
  seed: number;
  /** Samples per batch between convergence checks (default 200). */
  batchSize?: number;
  minSamples?: number;
  maxSamples?: number;
  /** Stop when every mean's 95% CI half-width is within this fraction of the mean (default 0.05). */
  relativeCIHalfWidth?: number;
}

export interface EvaluationResult extends PlanMetrics {
  samples: number;
}

/** One Monte Carlo metrics calculator bound to one workflow input. */
export interface DeploymentMetricsCalculator {
  readonly type: CalculatorType;
  setHour(hour: number | 'overall'): void;
  evaluate(placement: Placement): EvaluationResult;
  /** Counters since construction. */
  readonly evaluations: number;
  readonly samples: number;
}
