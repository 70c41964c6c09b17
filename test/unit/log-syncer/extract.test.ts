// The field extractor (core/extract.ts) against the reference parser (JSON.parse): for every message
// — generated valid runtime lines, hostile mutations of them, foreign lines — `parseMessageWithExtractor`
// gives exactly what `parseMessage` (JSON.parse) gives (result and counters); valid lines take the fast path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  emptyCounters,
  LINE_FIELDS,
  parseIsoMs,
  parseMessage,
  parseMessageWithExtractor,
} from '../../../services/log-syncer/core/parse.js';
import { extractFields } from '../../../services/log-syncer/core/extract.js';
import { seeded, simulateRun } from '../../../bench/log-syncer/simulate.js';
import { mapReduce, runIdOf } from './fixtures.js';
import { foreignMessage, mutatedMessage, runtimeMessage } from './lines.js';

const RUNS = Number(process.env.CARIBOU_FUZZ_RUNS ?? 3000);

function same(message: string, ts = 1_700_000_000_000): ReturnType<typeof parseMessage> {
  const fast = emptyCounters();
  const strict = emptyCounters();
  const a = parseMessageWithExtractor(message, ts, fast);
  const b = parseMessage(message, ts, strict);
  assert.deepStrictEqual(a, b, `results differ for ${JSON.stringify(message)}`);
  assert.deepStrictEqual(fast, strict, `counters differ for ${JSON.stringify(message)}`);
  return a;
}

test('valid runtime lines: the extractor takes them (no fallback) and gives what JSON.parse gives', () => {
  fc.assert(
    fc.property(runtimeMessage, (message) => {
      assert.ok(extractFields(message, message.indexOf('{')) !== undefined, `fell back on ${JSON.stringify(message)}`);
      const result = same(message);
      assert.equal(result.kind, 'runtime');
    }),
    { numRuns: RUNS },
  );
});

test('every kept field is copied by both paths (the extractor’s field table matches LINE_FIELDS)', () => {
  const obj: Record<string, unknown> = { log_version: '1', timestamp: '2026-12-01T10:00:00.123Z' };
  LINE_FIELDS.forEach((f, i) => (obj[f] = f === 'caribou_event' ? 'EXECUTED' : `v${i}`));
  const message = JSON.stringify(obj);
  assert.ok(extractFields(message, 0));
  const result = same(message);
  assert.equal(result.kind, 'runtime');
  if (result.kind === 'runtime') {
    LINE_FIELDS.forEach((f, i) => f !== 'caribou_event' && assert.equal(result.line[f], `v${i}`, f));
    assert.equal(result.line.timestampMs, Date.parse('2026-12-01T10:00:00.123Z'));
  }
});

test('mutated lines (escapes, control characters, nesting, bad numbers, truncation): fallback or the same result', () => {
  fc.assert(
    fc.property(mutatedMessage, (message) => void same(message)),
    { numRuns: RUNS },
  );
});

test('foreign lines are counted as before', () => {
  fc.assert(
    fc.property(foreignMessage, (message) => void same(message)),
    { numRuns: RUNS },
  );
});

test('hand-picked edge cases agree with JSON.parse', () => {
  const base = JSON.stringify({
    caribou_event: 'INVOKED',
    run_id: 'a'.repeat(32),
    log_version: '1',
    timestamp: '2026-12-01T10:00:00.000Z',
    payload_bytes: 3,
  });
  const cases = [
    base,
    base.replace('"run_id"', '"run\\u005fid"'), // escaped key: JSON.parse reads run_id
    base.replace('"INVOKED"', '"INVOK\\u0045D"'),
    base.replace('3}', '03}'),
    base.replace('3}', '3.}'),
    base.replace('3}', '-}'),
    base.replace('3}', '1e}'),
    base.replace('3}', '1E+2}'),
    base.replace('3}', '{"a":[1]}}'),
    base.replace('3}', '3}}'),
    base.replace('3}', '3,}'),
    base.replace('3}', '3} x'),
    `${base}\r\n`,
    base.replace('{', '{ '),
    base.replace(':', '\t:'),
    base.replace('10:00:00.000Z', '24:00:00.500Z'),
    base.replace('10:00:00.000Z', '24:00:00.000Z'),
    base.replace('2026-12-01T10:00:00.000Z', '2026-02-30T10:00:00.250Z'),
    base.replace('2026-12-01T10:00:00.000Z', '2026/12/01 10:00:00.250Z'),
    base.replace('"1"', '"2"'),
    base.replace('"1"', '1'),
    base.replace(`"${'a'.repeat(32)}"`, '""'),
    base.replace('"a', '"\u0001a'),
    base + base,
    `{"caribou_event":"X","run_id":"r","run_id":"s"}`,
    `{"caribou_event":"X","run_id":"r","__proto__":{"a":1}}`,
    '{"caribou_event"}',
    '{}"caribou_event"',
  ];
  for (const message of cases) same(message);
});

test('parseIsoMs is Date.parse', () => {
  const shaped = fc
    .tuple(
      fc.integer({ min: 0, max: 9999 }),
      fc.integer({ min: 0, max: 13 }),
      fc.integer({ min: 0, max: 32 }),
      fc.integer({ min: 0, max: 25 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 61 }),
      fc.integer({ min: 0, max: 999 }),
    )
    .map(
      ([y, mo, d, h, mi, s, ms]) =>
        `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}T${String(h).padStart(2, '0')}:${String(mi).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(ms).padStart(3, '0')}Z`,
    );
  fc.assert(
    fc.property(
      fc.oneof(
        shaped,
        fc.string({ maxLength: 30 }),
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      ),
      (text) => {
        assert.ok(Object.is(parseIsoMs(text), Date.parse(text)), text);
      },
    ),
    { numRuns: RUNS },
  );
});

test('the benchmark’s map_reduce logs: every runtime line takes the fast path, identical results', () => {
  const random = seeded(7);
  for (let i = 0; i < 40; i++) {
    const events = simulateRun(mapReduce.dag, {
      runId: runIdOf(i),
      startMs: 1_795_996_800_000 + i * 5000,
      random,
      lambdaPrefix: i % 2 === 0,
      failures: (inst) => (i % 5 === 0 && inst.includes('-mapper:') ? 1 : 0),
    });
    for (const e of events) {
      const result = same(e.message, e.timestampMs);
      if (!e.message.startsWith('REPORT'))
        assert.ok(extractFields(e.message, e.message.indexOf('{')) !== undefined || /\\/.test(e.message), e.message);
      assert.notEqual(result.kind, 'skipped');
    }
  }
});
