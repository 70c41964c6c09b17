import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeDataCommand } from '../../../cli/commands/data.js';
import { collectCarbon } from '../../../services/data-collectors/core/carbon.js';
import { collectPerformance } from '../../../services/data-collectors/core/performance.js';
import { CsvImportError } from '../../../services/data-collectors/core/csv-import.js';
import type { CarbonDocument } from '../../../shared/contracts/collected-data.js';
import { MemoryStore, fakeClock, fakeHttp, lister, noSecrets } from './fakes.js';

const HEADER =
  'Datetime (UTC),Country,Zone name,Zone id,Carbon intensity gCO₂eq/kWh (direct),Carbon intensity gCO₂eq/kWh (Life cycle),Carbon-free energy percentage (CFE%),Renewable energy percentage (RE%),Data source,Data estimated,Data estimation method';
function csv(zone: string, days: number, value: (hour: number) => string): string {
  const lines = [HEADER];
  for (let t = Date.parse('2024-01-01T00:00:00Z'), i = 0; i < days * 24; i += 1, t += 3_600_000) {
    const d = new Date(t).toISOString().replace('T', ' ').slice(0, 19);
    lines.push(`${d},Sweden,"South Central Sweden",${zone},10,${value(new Date(t).getUTCHours())},98.1,70.2,electricitymaps.com,false,`);
  }
  return `${lines.join('\n')}\n`;
}
const tmp = mkdtempSync(path.join(os.tmpdir(), 'caribou-data-'));
function run(store: MemoryStore, argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const cmd = makeDataCommand({ store: () => store, now: () => Date.parse('2026-12-01T15:00:00Z'), env: {} });
  return cmd
    .run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) })
    .then((code) => ({ code, out: out.join('\n'), err: err.join('\n') }));
}

test("import carbon: the hourly CSV becomes the carbon document of the zone's regions, hourly means by UTC hour", async () => {
  const file = path.join(tmp, 'SE-SE3_2024_hourly.csv');
  writeFileSync(
    file,
    csv('SE-SE3', 3, (h) => String(20 + h)),
  );
  const store = new MemoryStore();
  const result = await run(store, ['import', 'carbon', file]);
  assert.equal(result.code, 0, result.err);
  const doc = (await store.get<CarbonDocument>('carbon', 'aws:eu-north-1'))!;
  assert.equal(doc.provenance.source, 'electricity-maps-csv');
  assert.equal(doc.hourlyProfile, 'measured');
  assert.equal(doc.hourlyGCO2ePerKWh[5], 25);
  assert.equal(doc.overallGCO2ePerKWh, 31.5);
  assert.equal(doc.provenance.period, '2024-01-01T00:00:00.000Z/2024-01-04T00:00:00.000Z');
  // --zone-map sends a zone to other regions.
  const mapped = await run(store, ['import', 'carbon', file, '--zone-map', 'SE-SE3=eu-west-1+eu-west-2']);
  assert.equal(mapped.code, 0, mapped.err);
  assert.equal((await store.get<CarbonDocument>('carbon', 'aws:eu-west-2'))!.zone, 'SE-SE3');
});

test('import carbon: a bad value names its line and column, and nothing is written', async () => {
  const good = csv('FR', 2, () => '30').split('\n');
  good[17] = good[17]!.replace(',10,30,', ',10,n/a,');
  const file = path.join(tmp, 'FR_bad.csv');
  writeFileSync(file, good.join('\n'));
  const store = new MemoryStore();
  await assert.rejects(run(store, ['import', 'carbon', file]), (error: Error) => {
    assert.ok(error instanceof CsvImportError);
    assert.equal(
      error.message,
      'FR_bad.csv: line 18, column "Carbon intensity gCO₂eq/kWh (Life cycle)": expected gCO2e/kWh from 0 to 5000, got "n/a"',
    );
    return true;
  });
  assert.equal(store.puts, 0);
  const noColumn = path.join(tmp, 'nocol.csv');
  writeFileSync(noColumn, 'Datetime (UTC),Zone id\n2024-01-01 00:00:00,FR\n');
  await assert.rejects(run(store, ['import', 'carbon', noColumn]), /line 1: missing column "Carbon intensity gCO₂eq\/kWh \(Life cycle\)"/);
  const badTime = path.join(tmp, 'badtime.csv');
  writeFileSync(badTime, `${HEADER}\nyesterday,France,France,FR,1,2,3,4,x,false,\n`);
  await assert.rejects(run(store, ['import', 'carbon', badTime]), /line 2, column "Datetime \(UTC\)"/);
  const unknownZone = path.join(tmp, 'zz.csv');
  writeFileSync(
    unknownZone,
    csv('ZZ', 1, () => '1'),
  );
  await assert.rejects(run(store, ['import', 'carbon', unknownZone]), /zone "ZZ" maps to no AWS region; pass --zone-map/);
  assert.equal(store.puts, 0);
});

test('show: readable tables with provenance and age; --for; --json; the overview', async () => {
  const store = new MemoryStore();
  const clock = fakeClock(Date.parse('2026-12-01T12:00:00Z'));
  await collectCarbon({
    store,
    regions: lister(['eu-north-1', 'us-east-1']),
    http: fakeHttp([]),
    secrets: noSecrets,
    clock,
    deadlineMs: Infinity,
    config: { sources: ['yearly-average'], electricityMapsUrl: '', tokenParameter: '', httpTimeoutMs: 1 },
  });
  await collectPerformance({
    store,
    regions: lister(['eu-north-1', 'us-east-1']),
    http: fakeHttp([]),
    clock,
    deadlineMs: Infinity,
    config: { sources: ['distance-model'], httpTimeoutMs: 1 },
  });
  const carbon = await run(store, ['show', 'carbon']);
  assert.equal(carbon.code, 0);
  assert.match(carbon.out, /aws:eu-north-1\s+SE-SE3\s+20\.0\s+20–20\s+flat-yearly-average\s+3h\s+tgwf-co2-yearly-average \[2025\]/);
  assert.match(carbon.out, /ODbL/);
  const one = await run(store, ['show', 'performance', '--for', 'us-east-1']);
  assert.match(one.out, /latency from aws:us-east-1/);
  assert.match(one.out, /aws:eu-north-1\s+\d+\.\d/);
  const json = await run(store, ['show', 'carbon', '--for', 'eu-north-1', '--json']);
  assert.equal(JSON.parse(json.out)[0].zone, 'SE-SE3');
  const overview = await run(store, ['show']);
  assert.match(overview.out, /carbon\s+2\s+3h\s+3h\s+tgwf-co2-yearly-average/);
  const missing = await run(store, ['show', 'provider']);
  assert.equal(missing.code, 1);
  await assert.rejects(run(store, ['show', 'nonsense']), /expected one of/);
});
