// The cost, carbon, transmission and capacity-unit formulas of caribou-spec §7.7–7.8, as pure
// functions of plain numbers. Both calculators use these (the fast one inlines the same arithmetic
// where a call per sample would cost; test/unit/solver/formulas.test.ts pins the values).
import {
  DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH,
  KIB_PER_GB,
  RCU_KIB,
  SNS_REQUEST_KIB,
  TRANSMISSION_ENERGY_KWH_PER_GB,
  WCU_KIB,
} from './constants.js';

/** DynamoDB write capacity units for one write of `sizeGB` (1 WCU per started KiB). */
export function writeCapacityUnits(sizeGB: number): number {
  return Math.ceil((sizeGB * KIB_PER_GB) / WCU_KIB);
}

/** DynamoDB read capacity units for one strongly consistent read of `sizeGB` (1 RCU per started 4 KiB). */
export function readCapacityUnits(sizeGB: number): number {
  return Math.ceil((sizeGB * KIB_PER_GB) / RCU_KIB);
}

/** SNS requests billed for one message: one per started 64 KiB, at least one per publish. */
export function snsRequests(sizeGB: number): number {
  return Math.max(1, Math.ceil((sizeGB * KIB_PER_GB) / SNS_REQUEST_KIB));
}

/** CPU power at utilization u: P_min + u × (P_max − P_min), in kW per vCPU. */
export function cpuPowerKW(utilization: number, minKW: number, maxKW: number): number {
  return minKW + utilization * (maxKW - minKW);
}

/** Energy of one execution: t × (P_cpu × vCPU + P_mem × mem_GB) / 3600, in kWh. */
export function executionEnergyKWh(durationS: number, cpuKW: number, vcpu: number, memoryKWPerGB: number, memoryGB: number): number {
  return (durationS * (cpuKW * vcpu + memoryKWPerGB * memoryGB)) / 3600;
}

/** Operational carbon of energy used in a data centre: E × PUE × CI, in gCO2e. */
export function executionCarbonG(energyKWh: number, pue: number, gCO2ePerKWh: number): number {
  return energyKWh * pue * gCO2ePerKWh;
}

/** Grid intensity charged to a transfer: the region's own within a region, the mean between two. */
export function routeCarbonIntensity(fromGCO2ePerKWh: number | undefined, toGCO2ePerKWh: number | undefined, sameRegion: boolean): number {
  if (sameRegion && toGCO2ePerKWh !== undefined) return toGCO2ePerKWh;
  if (fromGCO2ePerKWh === undefined || toGCO2ePerKWh === undefined) return DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH;
  return (fromGCO2ePerKWh + toGCO2ePerKWh) / 2;
}

/** Carbon of moving `sizeGB` over a route of the given intensity: GB × 0.001 kWh/GB × CI. */
export function transmissionCarbonG(sizeGB: number, routeGCO2ePerKWh: number): number {
  return sizeGB * TRANSMISSION_ENERGY_KWH_PER_GB * routeGCO2ePerKWh;
}

/** Unattributed traffic during execution: half to the internet (410), half on the home↔region route. */
export function duringExecutionTransferCarbonG(sizeGB: number, homeRouteGCO2ePerKWh: number): number {
  return transmissionCarbonG(sizeGB / 2, DEFAULT_CARBON_INTENSITY_GCO2E_PER_KWH) + transmissionCarbonG(sizeGB / 2, homeRouteGCO2ePerKWh);
}

/** Lambda cost of one invocation: compute $/GB-s × memory GB × t + the request price. */
export function executionCostUsd(durationS: number, memoryGB: number, usdPerGBs: number, invocationUsd: number): number {
  return usdPerGBs * memoryGB * durationS + invocationUsd;
}

export function egressCostUsd(sizeGB: number, usdPerGB: number): number {
  return sizeGB * usdPerGB;
}

export function dynamoCostUsd(readUnits: number, writeUnits: number, usdPerRU: number, usdPerWU: number): number {
  return readUnits * usdPerRU + writeUnits * usdPerWU;
}

/** Round a size up to the next multiple of `stepKiB` KiB (the collector's latency buckets). */
export function roundUpToKiB(sizeGB: number, stepKiB = 10): number {
  return (Math.ceil((sizeGB * KIB_PER_GB) / stepKiB) * stepKiB) / KIB_PER_GB;
}

/** Round a duration up to the next multiple of `stepMs` ms (the collector's auxiliary-data buckets). */
export function roundUpToMs(durationS: number, stepMs = 10): number {
  return (Math.ceil((durationS * 1000) / stepMs) * stepMs) / 1000;
}
