// Property-based fuzzing of the parsers that read data from outside: the data collectors'
// Electricity Maps API and CSV, cloudping and Price List answers, and the log syncer's line parser.
// Invariants: bad input is refused with the parser's named error (never a TypeError, SyntaxError,
// RangeError...), and what is accepted is valid (finite, non-negative, in range) — never invalid
// input accepted silently.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { CSV_COLUMNS, CsvImportError, parseElectricityMapsCsv, parseZoneMap } from '../../../services/data-collectors/core/csv-import.js';
import {
  ElectricityMapsFormatError,
  MAX_PLAUSIBLE_G_CO2E_PER_KWH,
  electricityMapsProfile,
} from '../../../services/data-collectors/core/electricity-maps.js';
import {
  CLOUDPING_PERCENTILES,
  CloudpingFormatError,
  cloudpingPair,
  fetchCloudping,
} from '../../../services/data-collectors/core/performance.js';
import { HttpStatusError } from '../../../services/data-collectors/core/retry.js';
import { PriceListFormatError, parsePriceListEntry } from '../../../services/data-collectors/core/pricing.js';
import { emptyCounters, parseMessage, SUPPORTED_LOG_VERSION } from '../../../services/log-syncer/core/parse.js';
import { junk } from './arbitraries.js';

const RUNS = Number(process.env.CARIBOU_FUZZ_RUNS ?? 150);

async function check<T>(
  t: { diagnostic(m: string): void },
  name: string,
  arb: fc.Arbitrary<T>,
  property: (value: T) => void | Promise<void>,
  runs = RUNS,
) {
  let tried = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      tried += 1;
      await property(value);
    }),
    { numRuns: runs },
  );
  t.diagnostic(`${name}: ${tried} inputs tried`);
}

/** Runs `parse`; an error must be `named`. Returns the value, or undefined when refused. */
async function parsedOrRefused<T>(
  parse: () => T | Promise<T>,
  named: new (...args: never[]) => Error,
  input: unknown,
): Promise<T | undefined> {
  try {
    return await parse();
  } catch (error) {
    assert.ok(error instanceof named, `expected ${named.name}, got ${String(error)} for ${JSON.stringify(input)?.slice(0, 400)}`);
    assert.ok((error as Error).message.length > 0);
    return undefined;
  }
}

const finiteNonNegative = (x: unknown) => typeof x === 'number' && Number.isFinite(x) && x >= 0;
const hour = 3_600_000;
const NOW = Date.parse('2026-12-01T12:00:00Z');

// ---------- Electricity Maps CSV (caribou data import carbon) ----------

const csvTime = fc.oneof(
  fc
    .integer({ min: 0, max: 24 * 365 })
    .map((h) => new Date(Date.parse('2024-01-01T00:00:00Z') + h * hour).toISOString().replace('T', ' ').replace('.000Z', '')),
  fc.constantFrom('', 'yesterday', '2024-13-01 00:00:00', '2024-01-01T00:00:00+02:00', '  '),
  fc.string(),
);
const csvValue = fc.oneof(
  fc.double({ noNaN: false }).map(String),
  fc.integer({ min: 0, max: 2000 }).map(String),
  fc.constantFrom('', '-1', 'NaN', 'Infinity', '1e400', ' 12 ', '0x10'),
  fc.string(),
);
const csvZone = fc.oneof(fc.constantFrom('DE', 'FR', 'US-CAL-CISO', ''), fc.string({ maxLength: 6 }));
const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const csvText = fc.oneof(
  fc
    .array(fc.tuple(csvTime, csvZone, csvValue), { maxLength: 30 })
    .map((rows) =>
      [[CSV_COLUMNS.datetime, CSV_COLUMNS.zone, CSV_COLUMNS.lifecycle].join(','), ...rows.map((r) => r.map(quote).join(','))].join('\n'),
    ),
  fc.string(),
  fc
    .array(
      fc.oneof(
        fc.string(),
        fc.constantFrom(CSV_COLUMNS.datetime, CSV_COLUMNS.zone, CSV_COLUMNS.lifecycle, '"', ',', '\n', '\r\n', '\uFEFF'),
      ),
      { maxLength: 20 },
    )
    .map((p) => p.join('')),
);

test('Electricity Maps CSV: refused with CsvImportError naming a line, or every point is a finite UTC time and a non-negative intensity', async (t) => {
  await check(
    t,
    'Electricity Maps CSV',
    csvText,
    async (text) => {
      const parsed = await parsedOrRefused(() => parseElectricityMapsCsv(text, 'f.csv'), CsvImportError, text);
      if (!parsed) return;
      assert.ok(parsed.zones.size > 0);
      for (const [zone, points] of parsed.zones) {
        assert.ok(zone.trim().length > 0);
        for (const p of points) {
          assert.ok(Number.isFinite(p.atMs), `time of ${JSON.stringify(p)}`);
          assert.ok(finiteNonNegative(p.gCO2ePerKWh) && p.gCO2ePerKWh <= MAX_PLAUSIBLE_G_CO2E_PER_KWH, `intensity of ${JSON.stringify(p)}`);
        }
      }
    },
    RUNS * 2,
  );
  await check(
    t,
    '--zone-map',
    fc.oneof(
      fc.string(),
      fc
        .array(fc.constantFrom('DE', 'FR', '=', '+', ',', 'eu-central-1', 'us-east-1', 'nowhere-1', ' '), { maxLength: 10 })
        .map((p) => p.join('')),
    ),
    async (spec) => {
      const map = await parsedOrRefused(() => parseZoneMap(spec), CsvImportError, spec);
      for (const [zone, codes] of map ?? []) {
        assert.ok(zone.length > 0);
        assert.ok(codes.length > 0);
      }
    },
  );
});

// ---------- Electricity Maps API v3 ----------

const emDatetime = fc.oneof(
  fc.integer({ min: -8 * 24, max: 48 }).map((h) => new Date(NOW - (NOW % hour) + h * hour).toISOString()),
  fc.constantFrom('', 'not a date', '2026-02-30T00:00:00Z'),
  fc.string(),
);
const emIntensity = fc.oneof(
  fc.integer({ min: 0, max: 1500 }),
  fc.double(),
  fc.constant(null),
  fc.constantFrom(-5, '300', Number.NaN, Number.POSITIVE_INFINITY),
);
const emRow = fc.oneof(fc.record({ datetime: emDatetime, carbonIntensity: emIntensity }), junk);
/** A full, valid week of history, so that accepted answers are common as well as refused ones. */
const fullWeek = (value: (i: number) => number) => ({
  data: Array.from({ length: 7 * 24 }, (_, i) => ({
    datetime: new Date(NOW - (NOW % hour) - (7 * 24 - i) * hour).toISOString(),
    carbonIntensity: value(i),
  })),
});
const emBody = fc.oneof(
  fc.record({ data: fc.array(emRow, { maxLength: 60 }) }),
  fc.tuple(fc.integer({ min: 0, max: 7 * 24 - 1 }), emRow).map(([i, row]) => {
    const week = fullWeek((k) => 100 + (k % 24));
    week.data[i] = row as never;
    return week;
  }),
  junk,
);

test('Electricity Maps API: answers are refused with ElectricityMapsFormatError or give 24 finite, non-negative hourly values', async (t) => {
  // Found by this property: a week with an unparseable datetime and a negative intensity was
  // forecast from (Holt-Winters over the bad rows) instead of refused.
  const bad = fullWeek((i) => (i === 5 ? -40 : 100));
  bad.data[0]!.datetime = 'not a date';
  const http = { getJson: async (url: string) => (url.includes('/forecast') ? { forecast: [] } : bad) };
  await assert.rejects(
    electricityMapsProfile(http, { baseUrl: 'http://127.0.0.1:9', token: 't', zone: 'DE', nowMs: NOW, timeoutMs: 1000 }),
    ElectricityMapsFormatError,
  );
  // Found by this property in CI: a week of intensities near 1e305 overflowed the forecast to
  // Infinity (written as null). Intensities above MAX_PLAUSIBLE_G_CO2E_PER_KWH are refused.
  const huge = fullWeek((i) => 1e305 + i);
  await assert.rejects(
    electricityMapsProfile(
      { getJson: async (url: string) => (url.includes('/forecast') ? { forecast: [] } : huge) },
      { baseUrl: 'http://127.0.0.1:9', token: 't', zone: 'DE', nowMs: NOW, timeoutMs: 1000 },
    ),
    /carbonIntensity is not a number of gCO2e\/kWh from 0 to 5000/,
  );
  await check(t, 'Electricity Maps answers', fc.tuple(emBody, fc.oneof(emBody, fc.constant('404'))), async ([history, forecast]) => {
    const http = {
      async getJson(url: string) {
        if (url.includes('/forecast')) {
          if (forecast === '404') throw new HttpStatusError(404, url, 'not in your plan');
          return forecast;
        }
        return history;
      },
    };
    const profile = await parsedOrRefused(
      () => electricityMapsProfile(http, { baseUrl: 'http://127.0.0.1:9', token: 't', zone: 'DE', nowMs: NOW, timeoutMs: 1000 }),
      ElectricityMapsFormatError,
      { history, forecast },
    );
    if (!profile) return;
    assert.equal(profile.hourly.length, 24);
    assert.ok(
      profile.hourly.every((v) => finiteNonNegative(v) && v <= MAX_PLAUSIBLE_G_CO2E_PER_KWH),
      JSON.stringify(profile.hourly),
    );
  });
});

// ---------- cloudping ----------

const ms = fc.oneof(fc.double({ min: 0.1, max: 1000, noNaN: true }), fc.constantFrom(0, -3, Number.NaN, '50', null));
const matrix = fc.oneof(
  fc.dictionary(fc.constantFrom('us-east-1', 'eu-west-1'), fc.oneof(fc.dictionary(fc.constantFrom('us-east-1', 'eu-west-1'), ms), junk)),
  junk,
);

test('cloudping: answers are refused with CloudpingFormatError; a fitted pair has finite parameters from non-decreasing percentiles', async (t) => {
  // Found by this property: decreasing percentiles were fitted (σ clamped to its minimum) instead of
  // being treated as a missing pair, and a non-object answer was a plain Error.
  const decreasing = Object.fromEntries(CLOUDPING_PERCENTILES.map(({ name }, k) => [name, { a: { b: 100 - k * 10 } }]));
  assert.equal(cloudpingPair(decreasing, 'a', 'b'), undefined);
  await assert.rejects(
    fetchCloudping({ getJson: async () => 'x' }, 'http://127.0.0.1:9', 1000, (_w, op) => op()),
    CloudpingFormatError,
  );
  await check(
    t,
    'cloudping answers',
    fc.array(
      fc.oneof(
        matrix.map((data) => ({ data })),
        junk,
      ),
      { minLength: CLOUDPING_PERCENTILES.length, maxLength: CLOUDPING_PERCENTILES.length },
    ),
    async (answers) => {
      let i = 0;
      const http = { getJson: async () => answers[i++] };
      const matrices = await parsedOrRefused(
        () => fetchCloudping(http, 'http://127.0.0.1:9/latency', 1000, (_what, op) => op()),
        CloudpingFormatError,
        answers,
      );
      if (!matrices) return;
      for (const from of ['us-east-1', 'eu-west-1']) {
        for (const to of ['us-east-1', 'eu-west-1']) {
          const fitted = cloudpingPair(matrices, from, to);
          if (!fitted) continue;
          assert.ok(Number.isFinite(fitted.mu) && Number.isFinite(fitted.sigma) && fitted.sigma > 0, JSON.stringify(fitted));
          const values = CLOUDPING_PERCENTILES.map(({ name }) => matrices[name]![from]![to]!);
          assert.ok(
            values.every((v, k) => typeof v === 'number' && v > 0 && (k === 0 || v >= values[k - 1]!)),
            `fitted from ${JSON.stringify(values)}`,
          );
        }
      }
    },
  );
  // Increasing percentiles (as cloudping's are) always fit.
  await check(t, 'cloudping valid pairs', fc.array(fc.double({ min: 1, max: 500, noNaN: true }), { minLength: 7, maxLength: 7 }), (raw) => {
    const sorted = [...raw].sort((a, b) => a - b);
    const matrices = Object.fromEntries(CLOUDPING_PERCENTILES.map(({ name }, k) => [name, { a: { b: sorted[k]! } }]));
    assert.ok(cloudpingPair(matrices, 'a', 'b'));
  });
});

// ---------- AWS Price List ----------

const priceNumber = fc.oneof(
  fc.double({ min: 0, max: 10, noNaN: true }).map(String),
  fc.constantFrom('0.0000000000', '0.20', 'Inf', '-1', '', 'abc'),
  fc.constant(undefined),
);
const dimension = fc.record(
  {
    unit: fc.oneof(fc.constantFrom('Requests', 'GB-Second'), junk),
    beginRange: fc.oneof(fc.constantFrom('0', '6000000000', 'Inf'), junk),
    pricePerUnit: fc.oneof(fc.record({ USD: priceNumber }), junk),
  },
  { requiredKeys: [] },
);
const entry = fc.oneof(
  fc
    .record(
      {
        product: fc.oneof(
          fc.record(
            { productFamily: fc.oneof(fc.string(), junk), attributes: fc.oneof(fc.dictionary(fc.string(), fc.string()), junk) },
            { requiredKeys: [] },
          ),
          junk,
        ),
        terms: fc.oneof(
          fc.record({
            OnDemand: fc.oneof(
              fc.dictionary(
                fc.string(),
                fc.oneof(fc.record({ priceDimensions: fc.oneof(fc.dictionary(fc.string(), dimension), junk) }), junk),
              ),
              junk,
            ),
          }),
          junk,
        ),
      },
      { requiredKeys: [] },
    )
    .map((e) => JSON.stringify(e)),
  junk.map((j) => JSON.stringify(j) ?? 'undefined'),
  fc.string(),
);

test('Price List entries: refused with PriceListFormatError, or attributes are strings and every price is a finite, non-negative USD amount', async (t) => {
  // Found by this property: `null` and a null offer threw TypeErrors; a price of -1 USD was kept.
  for (const text of [
    'null',
    '{"terms":{"OnDemand":{"o":null}}}',
    '{"terms":{"OnDemand":{"o":{"priceDimensions":{"d":{"pricePerUnit":{"USD":"-1"}}}}}}}',
    '{',
  ]) {
    assert.throws(() => parsePriceListEntry(text), PriceListFormatError, text);
  }
  await check(
    t,
    'Price List entries',
    entry,
    async (text) => {
      const product = await parsedOrRefused(() => parsePriceListEntry(text), PriceListFormatError, text);
      if (!product) return;
      assert.ok(product.productFamily === undefined || typeof product.productFamily === 'string');
      assert.ok(Object.values(product.attributes).every((v) => typeof v === 'string'));
      for (const d of product.dimensions) {
        assert.ok(finiteNonNegative(d.usd), JSON.stringify(d));
        assert.ok(finiteNonNegative(d.beginRange), JSON.stringify(d));
        assert.equal(typeof d.unit, 'string');
      }
    },
    RUNS * 2,
  );
});

// ---------- log syncer line parser ----------

const runtimeLine = fc.record(
  {
    caribou_event: fc.oneof(fc.constantFrom('EXECUTED', 'INVOKED', 'ENTRY_POINT'), junk),
    run_id: fc.oneof(fc.constantFrom('r1', ''), junk),
    log_version: fc.oneof(fc.constant(SUPPORTED_LOG_VERSION), junk),
    timestamp: fc.oneof(fc.constant('2026-12-01T10:00:00.000Z'), fc.string(), junk),
  },
  { requiredKeys: [] },
);
const logMessage = fc.oneof(
  runtimeLine.map((l) => JSON.stringify(l)),
  fc.tuple(fc.string(), runtimeLine).map(([prefix, l]) => `${prefix}\t${JSON.stringify(l)}`),
  fc
    .tuple(fc.string(), fc.oneof(fc.stringMatching(/^[0-9.]{0,8}$/), fc.string()))
    .map(([id, init]) => `REPORT RequestId: ${id}\tDuration: 1.00 ms\tInit Duration: ${init} ms\t`),
  fc.string(),
);

test('log syncer lines: never a throw; a runtime line has its event, run id, version and a finite time; a REPORT line a request id and a finite, non-negative init duration', async (t) => {
  // Found by this property: "Init Duration: . ms" gave an init duration of NaN seconds.
  const report = parseMessage('REPORT RequestId: r\tDuration: 1.00 ms\tInit Duration: . ms\t', 0, emptyCounters());
  assert.deepEqual(report, { kind: 'report', report: { requestId: 'r' } });
  await check(
    t,
    'log lines',
    fc.tuple(logMessage, fc.integer({ min: 0, max: 2 ** 45 })),
    ([message, ts]) => {
      const counters = emptyCounters();
      const result = parseMessage(message, ts, counters);
      assert.equal(counters.parsed + counters.foreign + counters.corrupt + counters.unknownVersion, 1);
      if (result.kind === 'runtime') {
        assert.equal(typeof result.line.caribou_event, 'string');
        assert.ok(typeof result.line.run_id === 'string' && result.line.run_id.length > 0);
        assert.ok(result.line.log_version === undefined || result.line.log_version === SUPPORTED_LOG_VERSION);
        assert.ok(Number.isFinite(result.line.timestampMs));
      } else if (result.kind === 'report') {
        assert.ok(result.report.requestId.length > 0);
        assert.ok(
          result.report.initDurationS === undefined || finiteNonNegative(result.report.initDurationS),
          `${JSON.stringify(message)} → ${JSON.stringify(result.report)}`,
        );
      }
    },
    RUNS * 4,
  );
});
