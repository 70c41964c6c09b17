import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { emptyCounters, parseMessage } from '../../../services/log-syncer/core/parse.js';

const runtime = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    level: 'INFO',
    timestamp: '2026-12-01T10:00:00.000Z',
    caribou: true,
    caribou_event: 'EXECUTED',
    log_version: '1',
    run_id: 'a'.repeat(32),
    instance: 'x',
    ...extra,
  });

test('runtime lines parse with or without the Lambda text prefix; the line timestamp wins', () => {
  const c = emptyCounters();
  const a = parseMessage(runtime(), 5, c);
  const b = parseMessage(`2026-12-01T10:00:00.000Z\treq-1\tINFO\t${runtime()}`, 5, c);
  assert.equal(a.kind, 'runtime');
  assert.equal(b.kind, 'runtime');
  if (a.kind === 'runtime') assert.equal(a.line.timestampMs, Date.parse('2026-12-01T10:00:00.000Z'));
  assert.deepEqual(c, { parsed: 2, foreign: 0, corrupt: 0, unknownVersion: 0 });
});

test('REPORT lines give the request id and the cold start Init Duration', () => {
  const c = emptyCounters();
  const cold = parseMessage(
    'REPORT RequestId: r-1\tDuration: 12.00 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 70 MB\tInit Duration: 250.50 ms\t',
    0,
    c,
  );
  const warm = parseMessage('REPORT RequestId: r-2\tDuration: 12.00 ms\t', 0, c);
  assert.deepEqual(cold, { kind: 'report', report: { requestId: 'r-1', initDurationS: 0.2505 } });
  assert.deepEqual(warm, { kind: 'report', report: { requestId: 'r-2' } });
});

test('foreign, corrupt and unknown-version lines are counted and skipped', () => {
  const c = emptyCounters();
  const kinds = [
    'START RequestId: r-1 Version: $LATEST',
    'END RequestId: r-1',
    JSON.stringify({ level: 'INFO', message: 'user log', user: { a: 1 } }),
    'plain text from user code',
    runtime().slice(0, 120),
    runtime({ log_version: '7' }),
    runtime({ run_id: 42 }),
    'REPORT RequestId: \t',
    runtime(),
  ].map((m) => parseMessage(m, 0, c).kind);
  assert.deepEqual(kinds, ['skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'runtime']);
  assert.deepEqual(c, { parsed: 1, foreign: 4, corrupt: 3, unknownVersion: 1 });
});

test('fuzz: no message ever throws, and every message is counted exactly once', () => {
  const pieces = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '{',
      '}',
      '"caribou_event"',
      ':',
      '"EXECUTED"',
      'REPORT RequestId: ',
      '\t',
      runtime(),
      '"log_version":"1"',
      '"run_id":"r"',
      'null',
      '[',
      ',',
    ),
  );
  fc.assert(
    fc.property(fc.array(pieces, { maxLength: 12 }), fc.integer(), (parts, ts) => {
      const c = emptyCounters();
      const message = parts.join('');
      const result = parseMessage(message, ts, c);
      assert.equal(c.parsed + c.foreign + c.corrupt + c.unknownVersion, 1);
      assert.equal(result.kind === 'skipped', c.parsed === 0);
    }),
    { numRuns: 2000 },
  );
});
