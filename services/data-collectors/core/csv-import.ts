// `caribou data import carbon <file.csv>`: Electricity Maps' published hourly CSV per zone and year
// (https://www.electricitymaps.com/data-portal; columns "Datetime (UTC)", "Zone id",
// "Carbon intensity gCO₂eq/kWh (Life cycle)", ...) → one carbon document per region mapped to the
// file's zone(s). All or nothing: any bad line is an error naming the line and column, and then
// no document is built.
import type { CarbonDocument } from '../../../shared/contracts/collected-data.js';
import { ValidationError } from '../../../shared/errors.js';
import { EMBEDDED_REGIONS, embeddedRegion, regionKey, type EmbeddedRegion } from '../data/regions.js';
import { IMPORTED_SOURCE, distancesKm } from './carbon.js';
import { MAX_PLAUSIBLE_G_CO2E_PER_KWH } from './electricity-maps.js';
import { validateDocument } from './validate.js';

export const CSV_COLUMNS = {
  datetime: 'Datetime (UTC)',
  zone: 'Zone id',
  lifecycle: 'Carbon intensity gCO₂eq/kWh (Life cycle)',
} as const;

export class CsvImportError extends ValidationError {}

/** Splits one CSV line (RFC 4180 quotes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(field);
      field = '';
    } else field += c;
  }
  out.push(field);
  return out;
}

export interface ParsedCsv {
  /** zone → hourly points. */
  zones: Map<string, { atMs: number; gCO2ePerKWh: number }[]>;
}

export function parseElectricityMapsCsv(text: string, file: string): ParsedCsv {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  const index = (name: string) => {
    const i = header.indexOf(name);
    if (i < 0) throw new CsvImportError(`${file}: line 1: missing column "${name}" (found: ${header.map((h) => `"${h}"`).join(', ')})`);
    return i;
  };
  const cols = { datetime: index(CSV_COLUMNS.datetime), zone: index(CSV_COLUMNS.zone), lifecycle: index(CSV_COLUMNS.lifecycle) };
  const zones: ParsedCsv['zones'] = new Map();
  for (let n = 1; n < lines.length; n += 1) {
    const line = lines[n]!;
    if (line.trim() === '') continue;
    const cells = splitCsvLine(line);
    const at = (col: keyof typeof cols) => cells[cols[col]]?.trim() ?? '';
    const where = (col: keyof typeof cols) => `${file}: line ${n + 1}, column "${CSV_COLUMNS[col]}"`;
    const rawTime = at('datetime');
    const atMs = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(rawTime) ? rawTime : `${rawTime.replace(' ', 'T')}Z`);
    if (!rawTime || !Number.isFinite(atMs))
      throw new CsvImportError(`${where('datetime')}: expected a UTC date-time such as "2024-01-01 00:00:00", got "${rawTime}"`);
    const zone = at('zone');
    if (!zone) throw new CsvImportError(`${where('zone')}: empty zone id`);
    const rawValue = at('lifecycle');
    const value = Number(rawValue);
    if (rawValue === '' || !Number.isFinite(value) || value < 0 || value > MAX_PLAUSIBLE_G_CO2E_PER_KWH)
      throw new CsvImportError(`${where('lifecycle')}: expected gCO2e/kWh from 0 to ${MAX_PLAUSIBLE_G_CO2E_PER_KWH}, got "${rawValue}"`);
    let list = zones.get(zone);
    if (!list) zones.set(zone, (list = []));
    list.push({ atMs, gCO2ePerKWh: value });
  }
  if (zones.size === 0) throw new CsvImportError(`${file}: no data line`);
  return { zones };
}

/** Parses "ZONE=region[+region...],ZONE2=region" into zone → region codes. */
export function parseZoneMap(spec: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [zone, regions] = part.split('=');
    if (!zone || !regions) throw new CsvImportError(`--zone-map: expected ZONE=region[+region], got "${part}"`);
    const codes = regions.split('+').map((r) => r.trim());
    for (const code of codes) if (!embeddedRegion(code)) throw new CsvImportError(`--zone-map: unknown AWS region "${code}"`);
    map.set(zone.trim(), codes);
  }
  return map;
}

export function carbonDocumentsFromCsv(
  parsed: ParsedCsv,
  options: { file: string; zoneMap?: Map<string, string[]>; distanceRegions?: readonly EmbeddedRegion[]; collectedAt: string },
): CarbonDocument[] {
  const docs: CarbonDocument[] = [];
  const all = options.distanceRegions ?? EMBEDDED_REGIONS;
  for (const [zone, points] of parsed.zones) {
    const codes = options.zoneMap?.get(zone) ?? EMBEDDED_REGIONS.filter((r) => r.zone === zone).map((r) => r.code);
    if (codes.length === 0)
      throw new CsvImportError(`${options.file}: zone "${zone}" maps to no AWS region; pass --zone-map ${zone}=<region>`);
    const sums = new Array<number>(24).fill(0);
    const counts = new Array<number>(24).fill(0);
    for (const p of points) {
      const h = new Date(p.atMs).getUTCHours();
      sums[h]! += p.gCO2ePerKWh;
      counts[h]! += 1;
    }
    const missing = counts.findIndex((c) => c === 0);
    if (missing >= 0) throw new CsvImportError(`${options.file}: zone "${zone}" has no value for UTC hour ${missing}`);
    const hourly = sums.map((s, h) => Math.round((s / counts[h]!) * 100) / 100);
    const overall = Math.round((points.reduce((s, p) => s + p.gCO2ePerKWh, 0) / points.length) * 100) / 100;
    const times = points.map((p) => p.atMs).sort((a, b) => a - b);
    const period = `${new Date(times[0]!).toISOString()}/${new Date(times[times.length - 1]! + 3_600_000).toISOString()}`;
    for (const code of codes) {
      const region = embeddedRegion(code)!;
      const doc: CarbonDocument = {
        collected_at: options.collectedAt,
        provenance: {
          source: IMPORTED_SOURCE,
          detail: `${options.file}; zone ${zone}; ${points.length} hourly values, column "${CSV_COLUMNS.lifecycle}"; Electricity Maps (ODbL 1.0)`,
          period,
        },
        region_key: regionKey(code),
        zone,
        hourlyGCO2ePerKWh: hourly,
        overallGCO2ePerKWh: overall,
        hourlyProfile: 'measured',
        distancesKm: distancesKm(region, all.some((r) => r.code === code) ? all : [...all, region]),
      };
      docs.push(validateDocument('carbon', doc));
    }
  }
  return docs;
}
