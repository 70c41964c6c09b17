// fast-check arbitraries of CloudWatch messages for the log syncer's parser: valid runtime lines of
// every event (docs/runtime-logs.md, with Powertools' context fields, keys in any order, optional
// Lambda text prefix) and hostile mutations of them. Used by extract.test.ts and the fuzz tier.
import fc from 'fast-check';
import { LINE_FIELDS } from '../../../services/log-syncer/core/parse.js';

const EVENTS = [
  'RETRIEVE_WPD',
  'ENTRY_POINT',
  'INVOKED',
  'DOWNLOAD_DATA_FROM_SYNC_TABLE',
  'INVOKING_SUCCESSOR',
  'CONDITIONAL_NON_EXECUTION',
  'INVOKING_SYNC_NODE',
  'SYNC_NODE_FIRED',
  'SYNC_NODE_SKIPPED',
  'EXECUTED',
  'DUPLICATE_DELIVERY',
  'CLIENT_CODE_EXCEPTION',
  'EXCEED_HOP_ERROR',
  'MISROUTED_MESSAGE',
  'MISSING_INVOKE',
  'MESSAGE_FAILED',
];

const hex = (n: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${n}}$`));
/** Text the runtime writes unescaped (names, ids, regions, CPU models). */
const plain = fc.stringMatching(/^[A-Za-z0-9 _:#.@()\-/]{0,40}$/);
/** Any JSON scalar: what a field may hold in a valid but unusual line. */
const scalar = fc.oneof(plain, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.boolean(), fc.constant(null));
const number = fc.oneof(
  fc.integer({ min: 0, max: 10_000_000 }),
  fc.double({ min: 0, max: 1e6, noNaN: true }),
  fc.constantFrom(0, -0, 1e-7, 1.5e300, 12.5),
);
const iso = fc
  .integer({ min: Date.parse('2000-01-01T00:00:00Z'), max: Date.parse('2099-12-31T23:59:59Z') })
  .map((ms) => new Date(ms).toISOString());

/** Values of the fields by name; any other field gets a scalar. */
const valueOf: Record<string, fc.Arbitrary<unknown>> = {
  caribou_event: fc.constantFrom(...EVENTS),
  run_id: hex(32),
  log_version: fc.constant('1'),
  timestamp: iso,
  taint: fc.uuid(),
  successor_taint: fc.uuid(),
  function_request_id: fc.uuid(),
  region: fc.constantFrom('aws:us-east-1', 'aws:eu-north-1', 'aws:us-west-2'),
  successor_region: fc.oneof(fc.constantFrom('aws:us-east-1', 'aws:eu-north-1'), fc.constant(null)),
  edge_id: fc.oneof(plain, fc.constant(null)),
  time_key: fc.oneof(fc.integer({ min: 0, max: 23 }), fc.constant(null)),
  cold_start: fc.boolean(),
  successor_is_sync: fc.boolean(),
  successor_invoked: fc.boolean(),
  caribou: fc.constant(true),
  level: fc.constantFrom('INFO', 'ERROR'),
  sampling_rate: fc.constant(0),
  function_memory_size: fc.oneof(fc.constant('1024'), fc.constant(1024)),
};
for (const f of LINE_FIELDS) if (!valueOf[f]) valueOf[f] = /_(bytes|s)$/.test(f) ? number : plain;

/** Powertools' own keys, then the runtime's; user-visible extras. */
const OTHER_KEYS = [
  'level',
  'message',
  'timestamp',
  'service',
  'caribou',
  'log_version',
  'workflow_id',
  'function_arn',
  'function_name',
  'function_memory_size',
  'sampling_rate',
  'xray_trace_id',
  'hops',
  'payload_by_reference',
  'exception',
  'request_source',
  'send_to_home',
];

/** A valid runtime line object: the required fields, a random subset of the others, in random order. */
export const runtimeObject: fc.Arbitrary<Record<string, unknown>> = fc
  .tuple(
    fc.subarray([...LINE_FIELDS.filter((f) => f !== 'caribou_event' && f !== 'run_id'), ...OTHER_KEYS.filter((k) => k !== 'log_version')]),
    fc.boolean(),
    fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,12}$/), scalar), { maxLength: 3 }),
    fc.nat(),
  )
  .chain(([keys, versioned, extras, seed]) => {
    const all = ['caribou_event', 'run_id', ...(versioned ? ['log_version'] : []), ...keys];
    // Deterministic shuffle from the seed: key order must not matter.
    const order = all
      .map((k, i) => [k, (seed * (i + 7919)) % 104729] as const)
      .sort((a, b) => a[1] - b[1])
      .map(([k]) => k);
    return fc.record(Object.fromEntries(order.map((k) => [k, valueOf[k] ?? scalar]))).map((obj) => {
      for (const [k, v] of extras) if (!(k in obj)) obj[k] = v;
      return obj as Record<string, unknown>;
    });
  });

/** How the runtime's line reaches the syncer: bare, or after Lambda's text prefix; maybe a newline. */
export const runtimeMessage: fc.Arbitrary<string> = fc
  .tuple(runtimeObject, fc.boolean(), fc.constantFrom('', '\n', ' \n'), fc.boolean())
  .map(([obj, prefixed, tail, spaced]) => {
    const json = spaced ? JSON.stringify(obj).replaceAll('":', '": ').replaceAll(',"', ', "') : JSON.stringify(obj);
    return `${prefixed ? `2026-12-01T10:00:00.000Z\t${String(obj.function_request_id ?? 'r')}\tINFO\t` : ''}${json}${tail}`;
  });

/** Edits that break or bend JSON in the ways a scanner could miss. */
const INSERTS = [
  '\\',
  '\\"',
  '\\u0041',
  '"',
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  ' ',
  '\t',
  '\n',
  '\u0001',
  '\u001f',
  '0',
  '-',
  '.',
  'e',
  '+',
  'E',
  'x',
  'n',
  't',
  'f',
  'true',
  'null',
  '01',
  '1.',
  '-0',
  '1e5',
  '{"a":1}',
  '[1]',
  '"run_id":"r"',
  '"log_version":"2"',
  '"caribou_event":7',
  '"timestamp":"2026-12-01T24:00:00.500Z"',
  'é',
  '\ud800',
];

export const mutatedMessage: fc.Arbitrary<string> = fc
  .tuple(
    runtimeMessage,
    fc.array(
      fc.tuple(
        fc.nat(),
        fc.constantFrom('insert', 'delete', 'truncate', 'replace'),
        fc.oneof(fc.constantFrom(...INSERTS), fc.string({ maxLength: 3 })),
      ),
      { minLength: 1, maxLength: 3 },
    ),
  )
  .map(([message, edits]) => {
    let m = message;
    for (const [n, how, text] of edits) {
      const at = m.length === 0 ? 0 : n % m.length;
      if (how === 'insert') m = m.slice(0, at) + text + m.slice(at);
      else if (how === 'delete') m = m.slice(0, at) + m.slice(at + 1 + (n % 3));
      else if (how === 'truncate') m = m.slice(0, at);
      else m = m.slice(0, at) + text + m.slice(at + text.length);
    }
    return m;
  });

/** Lines that are not the runtime's: user logs (text or JSON), START/END/REPORT, noise. */
export const foreignMessage: fc.Arbitrary<string> = fc.oneof(
  fc.string(),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ level: 'INFO', message: 'user', caribou_event: v, run_id: 'r' })),
  fc.constantFrom(
    'START RequestId: r-1 Version: $LATEST',
    'END RequestId: r-1',
    'REPORT RequestId: r-1\tDuration: 1.00 ms\tInit Duration: 200.00 ms\t',
    'REPORT RequestId: \t',
  ),
);
