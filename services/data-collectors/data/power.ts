// Power model of AWS data centres, from Cloud Carbon Footprint's methodology
// (https://www.cloudcarbonfootprint.org/docs/methodology, "Appendix I: Energy Coefficients", AWS
// column; coefficients as published in 2023, Apache-2.0 project): minimum and maximum watts per
// vCPU averaged over AWS's microarchitectures, memory watts per GB, and AWS's PUE. CFE is 0: the
// solver does not credit carbon-free-energy purchases (as the Python system by default).
export const POWER_SOURCE = 'cloudcarbonfootprint.org/docs/methodology (AWS coefficients: 0.74–3.5 W/vCPU, 0.392 W/GB, PUE 1.135)';

export const AWS_POWER = {
  pue: 1.135,
  cfe: 0,
  /** 0.392 W per GB of memory. */
  memoryKWPerGB: 0.000392,
  /** 0.74 W per vCPU at idle. */
  cpuMinKW: 0.00074,
  /** 3.5 W per vCPU at 100 % utilisation. */
  cpuMaxKW: 0.0035,
} as const;
