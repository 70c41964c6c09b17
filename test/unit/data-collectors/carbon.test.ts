import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectCarbon, type CarbonDeps } from '../../../services/data-collectors/core/carbon.js';
import { HttpStatusError } from '../../../services/data-collectors/core/retry.js';
import type { CarbonDocument } from '../../../shared/contracts/collected-data.js';
import { ALL_CODES, MemoryStore, fakeClock, fakeHttp, lister, noSecrets, secrets } from './fakes.js';

const PARAM = '/caribou/data-collectors/electricity-maps-token';
const config = (sources: CarbonDeps['config']['sources']) => ({
  sources,
  electricityMapsUrl: 'http://em.test',
  tokenParameter: PARAM,
  httpTimeoutMs: 1000,
});

/** Electricity Maps' past-range answer: hourly points, intensity = 200 + 10 × hour of day. */
function pastRange(url: string) {
  const u = new URL(url);
  const start = Date.parse(u.searchParams.get('start')!);
  const end = Date.parse(u.searchParams.get('end')!);
  const data = [];
  for (let t = start; t < end; t += 3_600_000) {
    const hour = new Date(t).getUTCHours();
    data.push({
      zone: u.searchParams.get('zone'),
      carbonIntensity: hour === 5 && t === start + 5 * 3_600_000 ? null : 200 + 10 * hour,
      datetime: new Date(t).toISOString(),
      updatedAt: '2026-12-01T00:00:00Z',
      isEstimated: false,
      emissionFactorType: 'lifecycle',
    });
  }
  return { zone: u.searchParams.get('zone'), data };
}

test('without a token: the embedded yearly average per zone, flat hours, attributed, with distances to every region', async () => {
  const store = new MemoryStore();
  const report = await collectCarbon({
    store,
    regions: lister(),
    http: fakeHttp([]),
    secrets: noSecrets,
    clock: fakeClock(),
    deadlineMs: Infinity,
    config: config(['electricity-maps', 'imported', 'yearly-average']),
  });
  assert.equal(report.written.length, ALL_CODES.length);
  assert.equal(report.failed.length, 0);
  assert.match(report.skipped[0]!.reason, /no parameter/);
  const se = (await store.get<CarbonDocument>('carbon', 'aws:eu-north-1'))!;
  assert.equal(se.zone, 'SE-SE3');
  assert.equal(se.hourlyProfile, 'flat-yearly-average');
  assert.equal(se.hourlyGCO2ePerKWh.length, 24);
  assert.ok(se.hourlyGCO2ePerKWh.every((v) => v === se.overallGCO2ePerKWh));
  assert.equal(se.provenance.source, 'tgwf-co2-yearly-average');
  assert.match(se.provenance.detail!, /ODbL/);
  assert.equal(Object.keys(se.distancesKm).length, ALL_CODES.length);
  assert.equal(se.distancesKm['aws:eu-north-1'], 0);
});

test('Electricity Maps: 7 days of history, forecast not in the plan (403) → Holt–Winters forecast by UTC hour', async () => {
  const store = new MemoryStore();
  const http = fakeHttp([
    ['/past-range', pastRange],
    [
      '/forecast',
      (url) => {
        throw new HttpStatusError(403, url);
      },
    ],
  ]);
  const report = await collectCarbon({
    store,
    regions: lister(['eu-west-1', 'us-east-1']),
    http,
    secrets: secrets({ [PARAM]: 'tok' }),
    clock: fakeClock(),
    deadlineMs: Infinity,
    config: config(['electricity-maps', 'yearly-average']),
  });
  assert.equal(report.failed.length, 0);
  assert.deepEqual(report.sources, { 'electricity-maps-api': 2 });
  const doc = (await store.get<CarbonDocument>('carbon', 'aws:eu-west-1'))!;
  assert.equal(doc.hourlyProfile, 'forecast');
  doc.hourlyGCO2ePerKWh.forEach((v, h) => assert.ok(Math.abs(v - (200 + 10 * h)) < 0.5, `hour ${h}: ${v}`));
  assert.match(doc.provenance.detail!, /holt-winters/);
  assert.match(http.calls[0]!, /zone=IE&start=2026-11-24T12:00:00Z&end=2026-12-01T12:00:00Z/);
});

test('Electricity Maps forecast when the plan allows it; 429 and 503 are retried', async () => {
  let failures = 2;
  const http = fakeHttp([
    [
      '/past-range',
      (url) => {
        if (failures-- > 0) throw new HttpStatusError(failures === 1 ? 429 : 503, url);
        return pastRange(url);
      },
    ],
    [
      '/forecast',
      () => ({
        zone: 'DE',
        forecast: Array.from({ length: 30 }, (_, i) => ({
          carbonIntensity: 100 + i,
          datetime: new Date(Date.parse('2026-12-01T12:00:00Z') + i * 3_600_000).toISOString(),
        })),
      }),
    ],
  ]);
  const clock = fakeClock();
  const store = new MemoryStore();
  await collectCarbon({
    store,
    regions: lister(['eu-central-1']),
    http,
    secrets: secrets({ [PARAM]: 'tok' }),
    clock,
    deadlineMs: Infinity,
    config: config(['electricity-maps']),
  });
  assert.equal(clock.slept.length, 2);
  const doc = (await store.get<CarbonDocument>('carbon', 'aws:eu-central-1'))!;
  assert.equal(doc.hourlyProfile, 'forecast');
  assert.equal(doc.hourlyGCO2ePerKWh[12], 100, 'hour 12 UTC is the first forecast hour');
  assert.equal(doc.hourlyGCO2ePerKWh[11], 123);
  assert.match(doc.provenance.detail!, /electricity-maps forecast/);
});

test('a region whose source fails keeps its previous document and is reported; the others are written', async () => {
  const store = new MemoryStore();
  const deps = {
    store,
    regions: lister(['eu-west-1', 'eu-west-2']),
    secrets: secrets({ [PARAM]: 'tok' }),
    clock: fakeClock(),
    deadlineMs: Infinity,
    config: config(['electricity-maps'] as const),
  };
  await collectCarbon({ ...deps, http: fakeHttp([['/past-range', pastRange]]) });
  const before = await store.get<CarbonDocument>('carbon', 'aws:eu-west-2');
  const report = await collectCarbon({
    ...deps,
    clock: fakeClock(Date.parse('2026-12-02T12:30:00Z')),
    http: fakeHttp([
      [
        '/past-range',
        (url) =>
          url.includes('zone=GB') ? { zone: 'GB', data: [{ carbonIntensity: null, datetime: '2026-12-01T00:00:00Z' }] } : pastRange(url),
      ],
    ]),
  });
  assert.deepEqual(
    report.failed.map((f) => f.key),
    ['aws:eu-west-2'],
  );
  assert.deepEqual(await store.get('carbon', 'aws:eu-west-2'), before);
  assert.equal((await store.get<CarbonDocument>('carbon', 'aws:eu-west-1'))!.collected_at, '2026-12-02T12:30:00.000Z');
});

test('an imported CSV document is kept (distances refreshed) before the yearly default', async () => {
  const store = new MemoryStore();
  const imported: CarbonDocument = {
    collected_at: '2026-11-30T00:00:00.000Z',
    provenance: { source: 'electricity-maps-csv', detail: 'FR_2024_hourly.csv', period: '2024' },
    region_key: 'aws:eu-west-3',
    zone: 'FR',
    hourlyGCO2ePerKWh: new Array(24).fill(30),
    overallGCO2ePerKWh: 30,
    hourlyProfile: 'measured',
    distancesKm: {},
  };
  await store.put('carbon', 'aws:eu-west-3', imported);
  await collectCarbon({
    store,
    regions: lister(['eu-west-3', 'eu-west-1']),
    http: fakeHttp([]),
    secrets: noSecrets,
    clock: fakeClock(),
    deadlineMs: Infinity,
    config: config(['electricity-maps', 'imported', 'yearly-average']),
  });
  const doc = (await store.get<CarbonDocument>('carbon', 'aws:eu-west-3'))!;
  assert.equal(doc.provenance.source, 'electricity-maps-csv');
  assert.equal(Object.keys(doc.distancesKm).length, 2);
  assert.equal((await store.get<CarbonDocument>('carbon', 'aws:eu-west-1'))!.provenance.source, 'tgwf-co2-yearly-average');
});

test('an unreachable Electricity Maps API is given up after one region: the others fall back at once', async () => {
  const store = new MemoryStore();
  const http = fakeHttp([
    [
      '/past-range',
      (url) => {
        throw new HttpStatusError(503, url);
      },
    ],
  ]);
  const clock = fakeClock();
  const report = await collectCarbon({
    store,
    regions: lister(['eu-west-1', 'eu-west-2', 'eu-west-3']),
    http,
    secrets: secrets({ [PARAM]: 'tok' }),
    clock,
    deadlineMs: Infinity,
    config: config(['electricity-maps', 'yearly-average']),
  });
  assert.deepEqual(report.sources, { 'tgwf-co2-yearly-average': 3 });
  assert.equal(http.calls.length, 6, 'six attempts for the first region, none for the others');
  assert.match(report.skipped.map((s) => s.reason).join(' '), /given up after eu-west-1/);
});
