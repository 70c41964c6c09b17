// The documents the data collectors write and the solver reads: one format, units in field names.
// Stored in the collector-data table (hash `table_name`, range `key`); each item's `document`
// attribute holds one of the shapes below. Writers: services/data-collectors. Readers: the
// deployment manager and `caribou solve` through `buildSolverInputFromCollected`
// (shared/solver/from-collected.ts), `caribou data show`, `caribou report`.
//
// Invariants (checked by the writer before anything is written): no NaN, no null intensity, no
// partial document. A region whose collection failed keeps its previous document.
import type { RegionKey } from './placement.js';

/** `table_name` values of the collector-data table. */
export const COLLECTED_TABLES = {
  /** key = region key ("aws:us-east-1"). */
  regions: 'regions',
  /** key = region key. */
  provider: 'provider',
  /** key = region key. */
  carbon: 'carbon',
  /** key = region key (the "from" region). */
  performance: 'performance',
  /** key = workflow id. */
  workflow: 'workflow',
} as const;
export type CollectedTable = (typeof COLLECTED_TABLES)[keyof typeof COLLECTED_TABLES];

/** Where a value came from, so an operator can see what the solver used. */
export interface Provenance {
  /** e.g. "electricity-maps-api", "electricity-maps-csv", "tgwf-co2-yearly-average", "aws-price-list-api", "embedded-price-table", "cloudping-http", "distance-model". */
  source: string;
  /** Free text: zone, file name, URL path, dataset date, licence. */
  detail?: string;
  /** Period the values describe, ISO-8601 interval or year ("2024", "2026-11-24T00:00Z/2026-12-01T00:00Z"). */
  period?: string;
}

/** Common envelope fields of every collected document. */
export interface CollectedDocument {
  /** ISO-8601 UTC instant the collector wrote this document. */
  collected_at: string;
  provenance: Provenance;
}

export interface RegionDocument extends CollectedDocument {
  region_key: RegionKey;
  provider: 'aws';
  /** AWS region code, e.g. "eu-north-1". */
  region: string;
  name: string;
  latitude: number;
  longitude: number;
  /** Enabled for the account (EC2 DescribeRegions). */
  enabled: boolean;
}

export interface ProviderDocument extends CollectedDocument {
  region_key: RegionKey;
  /** Lambda compute, USD per GB-second, by architecture. */
  lambdaUsdPerGBs: { x86_64: number; arm64: number };
  /** Lambda requests, USD per request, by architecture. */
  lambdaUsdPerRequest: { x86_64: number; arm64: number };
  /** Monthly free tier (informational; the solver prices every run). */
  lambdaFreeTier: { requests: number; gbSeconds: number };
  /** Data transfer out of this region to another AWS region, USD per GB. */
  interRegionEgressUsdPerGB: number;
  /** Data transfer out to the internet, USD per GB (first paid tier). */
  internetEgressUsdPerGB: number;
  /** SQS standard queue, USD per request (64 KB chunk). */
  sqsUsdPerRequest: number;
  /** DynamoDB on-demand, USD per read / write request unit. */
  dynamoDbUsdPerReadRequestUnit: number;
  dynamoDbUsdPerWriteRequestUnit: number;
  /** S3 standard, USD per PUT / GET request. */
  s3UsdPerPutRequest: number;
  s3UsdPerGetRequest: number;
  /** Power model of the region's data centres (Cloud Carbon Footprint coefficients). */
  power: { pue: number; cfe: number; memoryKWPerGB: number; cpuMinKW: number; cpuMaxKW: number };
}

export interface CarbonDocument extends CollectedDocument {
  region_key: RegionKey;
  /** Grid zone the region draws from (Electricity Maps zone id), e.g. "SE-SE3". */
  zone: string;
  /** 24 values, index = UTC hour 0..23, gCO2e/kWh (for history: the mean of that hour over the window). */
  hourlyGCO2ePerKWh: number[];
  /** Mean over the window (or the yearly average), gCO2e/kWh. */
  overallGCO2ePerKWh: number;
  /** Whether the 24 hourly values are a real daily profile or all equal to a yearly average. */
  hourlyProfile: 'measured' | 'forecast' | 'flat-yearly-average';
  /** Great-circle distance to every other collected region, km. */
  distancesKm: Record<RegionKey, number>;
}

export interface LatencyDistribution {
  /** Samples of one-way message latency, seconds (drawn from the fitted log-normal or observed). */
  samplesS: number[];
  medianS: number;
  p95S: number;
}

export interface PerformanceDocument extends CollectedDocument {
  region_key: RegionKey;
  /** Compute speed relative to the home region's hardware (1 = same). */
  relativePerformance: number;
  /** to region key → latency from this region, seconds. Contains every collected region, itself included. */
  latencyToS: Record<RegionKey, LatencyDistribution>;
}

/**
 * The per-workflow solver input written by the workflow collector from the log syncer's summary
 * (shared/contracts/workflow-summary.ts): exactly the per-workflow parts of SolverInput
 * (shared/solver/types.ts), so the solver reads what was written without a second format.
 */
export interface WorkflowDocument extends CollectedDocument {
  workflow_id: string;
  /** Runs the statistics were computed from, and over which window. */
  runs: number;
  firstRunAt?: string;
  lastRunAt?: string;
  /** How cold starts were weighted (docs/data.md). */
  coldStartPolicy: string;
  homeRegion: RegionKey;
  /** Solver input parts; types from shared/solver/types.ts, serialized as plain JSON. */
  instances: import('../solver/types.js').InstanceSpec[];
  edges: import('../solver/types.js').EdgeStats[];
  instanceStats: Record<string, import('../solver/types.js').InstanceStats>;
  startHop: import('../solver/types.js').StartHopStats;
  constraints: import('../solver/types.js').Constraints;
  algorithm: import('../solver/types.js').AlgorithmName;
  workflowRuntimeSamplesS: number[];
  /** "YYYY-MM-DD" → runs started that day. */
  dailyInvocationCounts: Record<string, number>;
}
