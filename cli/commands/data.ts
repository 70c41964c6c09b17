// `caribou data show|import`: what the solver will use — the collected documents with their
// provenance and age — and importing Electricity Maps' hourly CSV files as carbon documents.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { clients } from '../../shared/aws/clients.js';
import { UsageError } from '../../shared/errors.js';
import {
  COLLECTED_TABLES,
  type CarbonDocument,
  type CollectedDocument,
  type CollectedTable,
  type PerformanceDocument,
  type ProviderDocument,
  type RegionDocument,
  type WorkflowDocument,
} from '../../shared/contracts/collected-data.js';
import { DynamoCollectedStore } from '../../services/data-collectors/adapters/collected-store.js';
import type { CollectedStore } from '../../services/data-collectors/core/ports.js';
import { carbonDocumentsFromCsv, parseElectricityMapsCsv, parseZoneMap } from '../../services/data-collectors/core/csv-import.js';
import { embeddedRegion, regionKey, type EmbeddedRegion } from '../../services/data-collectors/data/regions.js';
import { parseCommandArgs } from '../lib/args.js';
import { tableName } from '../lib/context.js';
import type { CliIO, Command } from '../lib/command.js';

const KINDS = ['regions', 'provider', 'carbon', 'performance', 'workflow'] as const;
const HELP = `Usage: caribou data show [regions|provider|carbon|performance|workflow <id>] [--for R] [--json]
       caribou data import carbon <file.csv> [--zone-map ZONE=region[+region],...]

show     the collected documents the solver reads (collector-data table), with their provenance
         (source, detail, period) and age; without a kind: counts and ages per kind.
         --for R      only region R (e.g. eu-north-1); for performance: latencies from R to every region
                      (--region is the global option: the AWS region the CLI talks to)
         --json       the documents as JSON
import   an hourly CSV file as Electricity Maps publishes it per zone and year (columns
         "Datetime (UTC)", "Zone id", "Carbon intensity gCO₂eq/kWh (Life cycle)"); each zone's
         24 hourly means become the carbon document of the regions in that zone (embedded
         AWS-region → zone map, or --zone-map). A bad line is reported with its line and column
         and nothing is written.
Table: CARIBOU_COLLECTOR_DATA_TABLE or <CARIBOU_PREFIX>-collector-data. AWS access: the SDK's standard environment.`;

export interface DataCommandDeps {
  store?: (table: string) => CollectedStore;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

export function age(iso: string, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h}h${m % 60 ? ` ${m % 60}m` : ''}` : `${Math.floor(h / 24)}d ${h % 24}h`;
}

function printTable(rows: string[][], io: CliIO): void {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  for (const r of rows)
    io.out(
      `  ${r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd()}`,
    );
}

const usd = (x: number, per = 1) => `${(x * per).toPrecision(4)}`;
const ms = (s: number) => (s * 1000).toFixed(1);
const prov = (d: CollectedDocument) => `${d.provenance.source}${d.provenance.period ? ` [${d.provenance.period}]` : ''}`;

async function show(
  store: CollectedStore,
  kind: string | undefined,
  id: string | undefined,
  region: string | undefined,
  json: boolean,
  nowMs: number,
  io: CliIO,
): Promise<number> {
  const key = region ? regionKey(region.replace(/^aws:/, '')) : undefined;
  if (kind === undefined) {
    const rows = [['kind', 'documents', 'newest', 'oldest', 'sources']];
    const summary: Record<string, unknown> = {};
    for (const table of KINDS) {
      const docs = (await store.list<CollectedDocument>(table)).map((r) => r.document);
      const times = docs.map((d) => d.collected_at).sort();
      const sources = [...new Set(docs.map((d) => d.provenance.source))].join(', ');
      summary[table] = { documents: docs.length, newest: times.at(-1), oldest: times[0], sources };
      rows.push([
        table,
        String(docs.length),
        times.length ? age(times.at(-1)!, nowMs) : '-',
        times.length ? age(times[0]!, nowMs) : '-',
        sources || '-',
      ]);
    }
    if (json) io.out(JSON.stringify(summary, null, 2));
    else printTable(rows, io);
    return 0;
  }
  if (!(KINDS as readonly string[]).includes(kind)) throw new UsageError(`expected one of ${KINDS.join(', ')}, got "${kind}"`);
  const table = kind as CollectedTable;
  if (table === 'workflow') {
    if (!id) throw new UsageError('expected `caribou data show workflow <workflow-id>`');
    const doc = await store.get<WorkflowDocument>(COLLECTED_TABLES.workflow, id);
    if (!doc) {
      io.err(`caribou data: no workflow document for ${id} (run \`caribou data_collect workflow\` after a log sync)`);
      return 1;
    }
    if (json) io.out(JSON.stringify(doc, null, 2));
    else {
      const lines: [string, string][] = [
        ['workflow', doc.workflow_id],
        ['collected', `${doc.collected_at} (${age(doc.collected_at, nowMs)} ago)`],
        ['source', `${prov(doc)}${doc.provenance.detail ? `; ${doc.provenance.detail}` : ''}`],
        ['runs', `${doc.runs}${doc.firstRunAt ? ` (${doc.firstRunAt} … ${doc.lastRunAt})` : ''}`],
        ['home region', doc.homeRegion],
        ['instances', String(doc.instances.length)],
        ['edges', String(doc.edges.length)],
        ['runtime samples', String(doc.workflowRuntimeSamplesS.length)],
        ['cold starts', doc.coldStartPolicy],
      ];
      for (const [k, v] of lines) io.out(`${`${k}:`.padEnd(17)}${v}`);
    }
    return 0;
  }
  let docs = (await store.list<CollectedDocument & { region_key: string }>(table))
    .map((r) => r.document)
    .sort((a, b) => a.region_key.localeCompare(b.region_key));
  if (key) docs = docs.filter((d) => d.region_key === key);
  if (docs.length === 0) {
    io.err(
      `caribou data: no ${table} documents${key ? ` for ${key}` : ''} (run \`caribou data_collect ${table === 'regions' ? 'provider' : table}\`)`,
    );
    return 1;
  }
  if (json) {
    io.out(JSON.stringify(docs, null, 2));
    return 0;
  }
  let rows: string[][];
  switch (table) {
    case 'regions':
      rows = [['region', 'name', 'lat', 'lon', 'enabled', 'age', 'source']];
      for (const d of docs as RegionDocument[])
        rows.push([
          d.region,
          d.name,
          d.latitude.toFixed(2),
          d.longitude.toFixed(2),
          d.enabled ? 'yes' : 'no',
          age(d.collected_at, nowMs),
          prov(d),
        ]);
      break;
    case 'provider':
      rows = [['region', 'λ x86 $/GB-s', 'λ arm $/GB-s', 'λ $/M req', 'egress $/GB', 'SQS $/M', 'DDB R/W $/M', 'age', 'source']];
      for (const d of docs as ProviderDocument[]) {
        rows.push([
          d.region_key,
          usd(d.lambdaUsdPerGBs.x86_64),
          usd(d.lambdaUsdPerGBs.arm64),
          usd(d.lambdaUsdPerRequest.x86_64, 1e6),
          usd(d.interRegionEgressUsdPerGB),
          usd(d.sqsUsdPerRequest, 1e6),
          `${usd(d.dynamoDbUsdPerReadRequestUnit, 1e6)}/${usd(d.dynamoDbUsdPerWriteRequestUnit, 1e6)}`,
          age(d.collected_at, nowMs),
          prov(d),
        ]);
      }
      break;
    case 'carbon':
      rows = [['region', 'zone', 'overall g/kWh', 'hourly min–max', 'profile', 'age', 'source [period]']];
      for (const d of docs as CarbonDocument[]) {
        rows.push([
          d.region_key,
          d.zone,
          d.overallGCO2ePerKWh.toFixed(1),
          `${Math.min(...d.hourlyGCO2ePerKWh).toFixed(0)}–${Math.max(...d.hourlyGCO2ePerKWh).toFixed(0)}`,
          d.hourlyProfile,
          age(d.collected_at, nowMs),
          prov(d),
        ]);
      }
      if (key) io.out(`hourly gCO2e/kWh (UTC 0..23): ${(docs[0] as CarbonDocument).hourlyGCO2ePerKWh.join(' ')}`);
      break;
    case 'performance':
      if (key) {
        const d = docs[0] as PerformanceDocument;
        io.out(`latency from ${d.region_key} (${age(d.collected_at, nowMs)} ago, ${prov(d)}):`);
        rows = [['to', 'median ms', 'p95 ms', 'samples']];
        for (const [to, l] of Object.entries(d.latencyToS).sort((a, b) => a[1].medianS - b[1].medianS))
          rows.push([to, ms(l.medianS), ms(l.p95S), String(l.samplesS.length)]);
      } else {
        rows = [['from', 'regions', 'nearest (median ms)', 'farthest (median ms)', 'age', 'source']];
        for (const d of docs as PerformanceDocument[]) {
          const others = Object.entries(d.latencyToS)
            .filter(([to]) => to !== d.region_key)
            .sort((a, b) => a[1].medianS - b[1].medianS);
          const near = others[0];
          const far = others.at(-1);
          rows.push([
            d.region_key,
            String(Object.keys(d.latencyToS).length),
            near ? `${near[0]} ${ms(near[1].medianS)}` : '-',
            far ? `${far[0]} ${ms(far[1].medianS)}` : '-',
            age(d.collected_at, nowMs),
            prov(d),
          ]);
        }
      }
      break;
  }
  printTable(rows, io);
  // One line per source: how many documents, and the detail of the first (zone, URL, licence, dates).
  const bySource = new Map<string, CollectedDocument[]>();
  for (const d of docs) bySource.set(d.provenance.source, [...(bySource.get(d.provenance.source) ?? []), d]);
  io.out('');
  for (const [source, list] of bySource)
    io.out(`  ${source} (${list.length}): ${list[0]!.provenance.detail ?? '-'}${list.length > 1 ? ' …' : ''}`);
  return 0;
}

async function importCarbon(
  store: CollectedStore,
  file: string | undefined,
  zoneMapSpec: string | undefined,
  nowMs: number,
  io: CliIO,
): Promise<number> {
  if (!file) throw new UsageError('expected `caribou data import carbon <file.csv>`');
  const text = await readFile(file, 'utf8').catch((error: Error) => {
    throw new UsageError(`cannot read ${file}: ${error.message}`, { cause: error });
  });
  const name = path.basename(file);
  let zoneMap: Map<string, string[]> | undefined;
  if (zoneMapSpec) zoneMap = parseZoneMap(zoneMapSpec);
  // Everything is parsed and validated before the first write.
  const parsed = parseElectricityMapsCsv(text, name);
  const known = (await store.list<RegionDocument>(COLLECTED_TABLES.regions))
    .map((r) => embeddedRegion(r.document.region))
    .filter((r): r is EmbeddedRegion => Boolean(r));
  const docs = carbonDocumentsFromCsv(parsed, {
    file: name,
    zoneMap,
    distanceRegions: known.length ? known : undefined,
    collectedAt: new Date(nowMs).toISOString(),
  });
  for (const doc of docs) await store.put(COLLECTED_TABLES.carbon, doc.region_key, doc);
  io.out(
    `imported ${name}: ${docs.length} carbon document(s): ${docs.map((d) => `${d.region_key} (${d.zone}, ${d.overallGCO2ePerKWh} gCO2e/kWh)`).join(', ')}`,
  );
  return 0;
}

export function makeDataCommand(deps: DataCommandDeps = {}): Command {
  return {
    name: 'data',
    summary: 'Collected data the solver uses (provenance, age); import Electricity Maps CSV files',
    help: HELP,
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(argv, {
        for: { type: 'string' },
        json: { type: 'boolean' },
        'zone-map': { type: 'string' },
      });
      const env = deps.env ?? process.env;
      const table = tableName('collector-data', env);
      const store = deps.store ? deps.store(table) : new DynamoCollectedStore(clients.doc(), table);
      const nowMs = (deps.now ?? Date.now)();
      const [verb, kind, arg, ...rest] = positionals;
      if (verb === 'show') {
        if (rest.length || (arg !== undefined && kind !== 'workflow')) throw new UsageError(`unexpected argument "${rest[0] ?? arg}"`);
        return show(store, kind, arg, values.for, Boolean(values.json), nowMs, io);
      }
      if (verb === 'import') {
        if (kind !== 'carbon') throw new UsageError('expected `caribou data import carbon <file.csv>`');
        if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
        return importCarbon(store, arg, values['zone-map'], nowMs, io);
      }
      throw new UsageError(
        verb
          ? `unknown sub-command "${verb}"; expected show or import`
          : 'expected `caribou data show` or `caribou data import carbon <file.csv>`',
      );
    },
  };
}

export const dataCommand = makeDataCommand();
