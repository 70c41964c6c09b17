// Constants of the Python system's models (caribou-spec §7.6–7.8), in the units their names say.
import type { AlgorithmName } from './types.js';

export const SYSTEM_REGION: string = 'aws:us-west-2';
export const DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH = 410; // contiguous-US average, also "unknown"
export const TRANSMISSION_ENERGY_KWH_PER_GB = 0.001;
export const DEFAULT_CPU_UTILIZATION = 0.5;
export const AWS_MB_PER_VCPU = 1769;
export const DEFAULT_LATENCY_S = 0.15; // DEFAULT_LATENCY_VALUE 150 ms, in seconds
export const HOME_REGION_TRANSMISSION_LATENCY_DEFAULT_S = 0.22;
export const SYNC_LATENCY_MULTIPLIER = 5; // "(1 + 4 if the target is a sync node)"
export const TAIL_PERCENTILE = 95;
export const KIB_PER_GB = 1024 * 1024;
export const SNS_REQUEST_KIB = 64;
export const WCU_KIB = 1;
export const RCU_KIB = 4;
export const DEFAULT_SIZE_GB = 1 / KIB_PER_GB; // 1 KiB

export const DEFAULT_PRICES = {
  computeUsdPerGBs: 1.66667e-5,
  invocationUsd: 2e-7,
  egressUsdPerGB: 0.09,
  messageUsdPerRequest: 0.5e-6,
  dynamoReadUsdPerRU: 0.25e-6,
  dynamoWriteUsdPerWU: 1.25e-6,
} as const;

export const DEFAULT_POWER = {
  pue: 1.11,
  cfe: 0,
  memoryKWPerGB: 0.0003725,
  cpuMinKW: 0.00074,
  cpuMaxKW: 0.0035,
} as const;

/** Monte Carlo defaults: batches of 200, between 200 and 2,000 samples, stop at ±5% (95% CI). */
export const MC_DEFAULTS = { batchSize: 200, minSamples: 200, maxSamples: 2000, relativeCIHalfWidth: 0.05 } as const;

/** Stochastic heuristic defaults (caribou-spec §7.3). */
export const STOCHASTIC_DEFAULTS = {
  learningRateFraction: 0.2,
  iterationsPerRegionInstance: 3,
  initialTemperature: 1.0,
  coolingFactor: 0.99,
  biasProbability: 0.2,
} as const;

/** Fine-grained search refuses above this many deployments (regions^instances after permissions). */
export const FINE_GRAINED_MAX_DEPLOYMENTS = 50_000;

/** config.yml `deployment_algorithm` spellings (ours and the Python system's) → the solver's algorithm. */
export const ALGORITHM_NAMES: Readonly<Record<string, AlgorithmName>> = {
  coarse: 'coarse',
  coarse_grained: 'coarse',
  coarse_grained_deployment_algorithm: 'coarse',
  fine: 'fine',
  fine_grained: 'fine',
  fine_grained_deployment_algorithm: 'fine',
  stochastic: 'stochastic',
  stochastic_heuristic: 'stochastic',
  stochastic_heuristic_deployment_algorithm: 'stochastic',
};
