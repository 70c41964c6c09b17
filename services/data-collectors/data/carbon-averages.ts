// The carbon collector's default that needs no key and no network: Electricity Maps' yearly
// average life-cycle carbon intensity per zone, as republished by @tgwf/co2 (the Green Web
// Foundation's CO2.js, code Apache-2.0). The data is Electricity Maps' and licensed under the
// Open Database License (ODbL 1.0): attribution "Electricity Maps (electricitymaps.com), via
// CO2.js"; derivative databases stay under the ODbL (docs/data.md).
import { yearly2024, yearly2025 } from '@tgwf/co2/data/electricity-maps';

export const YEARLY_AVERAGE_ATTRIBUTION = 'Electricity Maps yearly average (electricitymaps.com, ODbL 1.0), via @tgwf/co2 0.19';

interface YearlyZone {
  carbonIntensity: { value: number; unit: string };
}
const YEARS: { year: string; data: Record<string, YearlyZone> }[] = [
  { year: '2025', data: yearly2025.data as Record<string, YearlyZone> },
  { year: '2024', data: yearly2024.data as Record<string, YearlyZone> },
];

/** Latest yearly average of a zone, gCO2e/kWh, and the year it describes; undefined for an unknown zone. */
export function yearlyAverage(zone: string): { gCO2ePerKWh: number; year: string } | undefined {
  for (const { year, data } of YEARS) {
    const value = data[zone]?.carbonIntensity?.value;
    if (typeof value === 'number' && Number.isFinite(value)) return { gCO2ePerKWh: value, year };
  }
  return undefined;
}
