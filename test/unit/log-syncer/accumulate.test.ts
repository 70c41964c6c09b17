// Runs folded while reading (services/log-syncer/core/accumulate.ts): the sync's own path
// (readMessage + StateSink + settle) gives the run that assembleRun gives from the run's lines, in any
// order, read any number of times, across a state round trip; the state item keeps what a pending
// run's dropped lines still tell, and states written before runs were folded still decode.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { emptyCounters, parseMessage, readMessage } from '../../../services/log-syncer/core/parse.js';
import { assemble, assembleRun, dagView } from '../../../services/log-syncer/core/reconstruct.js';
import { decodeState, emptyState, encodeState, StateSink } from '../../../services/log-syncer/core/state.js';
import { seeded, simulateRun, type SimulatedEvent } from '../../../bench/log-syncer/simulate.js';
import { mapReduce, runIdOf, splitEvents } from './fixtures.js';

const dag = mapReduce.dag;
const view = dagView(dag);
const T0 = Date.parse('2026-12-01T10:00:00Z');

function runEvents(i: number): SimulatedEvent[] {
  return simulateRun(dag, {
    runId: runIdOf(i),
    startMs: T0 + i * 1000,
    random: seeded(i),
    lambdaPrefix: i % 2 === 0,
    coldStart: (inst) => i % 3 === 0 && inst === dag.entry_instance,
    duplicate: (inst) => i % 2 === 0 && inst.includes('-reducer:'),
    failures: (inst) => (i % 4 === 0 && inst.includes('-mapper:') ? 1 : 0),
    regionOf: (inst) => (i % 5 === 0 && inst.includes('-mapper:') ? 'aws:us-west-2' : 'aws:us-east-1'),
  });
}

/** The run as assembleRun gives it from parseMessage's records of its lines, in log order. */
function expected(events: SimulatedEvent[]) {
  const { lines, reports } = splitEvents(events);
  return assembleRun(lines[0]!.run_id, lines, reports, view);
}

test('folded while reading, in any order, read twice, across a state round trip: the same run', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 40 }), fc.array(fc.nat(), { minLength: 1, maxLength: 200 }), fc.nat(), (i, order, cut) => {
      const events = runEvents(i);
      // A permutation of the run's events, some read twice.
      const keys = events.map((_, k) => order[k % order.length]! + k / events.length);
      const shuffled = events.map((e, k) => ({ e, key: keys[k]! })).sort((a, b) => a.key - b.key);
      const read = [...shuffled.map((s) => s.e), ...events.filter((_, k) => order[k % order.length]! % 4 === 0)];
      let state = emptyState();
      const counters = emptyCounters();
      const at = cut % (read.length + 1);
      read.forEach((e, k) => {
        if (k === at) state = decodeState(encodeState(state));
        readMessage(e.message, e.timestampMs, counters, new StateSink(state));
      });
      const run = state.pending.get(runIdOf(i))!;
      assert.deepStrictEqual(assemble(runIdOf(i), run, state.reports, view), expected(events));
    }),
    { numRuns: 60 },
  );
});

test('a pending run made only of lines reconstruction does not read keeps its span and request ids in the state item', () => {
  const line = (ms: number, rid: string) =>
    JSON.stringify({
      caribou_event: 'INVOKING_SYNC_NODE',
      log_version: '1',
      run_id: runIdOf(7),
      function_request_id: rid,
      timestamp: new Date(T0 + ms).toISOString(),
    });
  const state = emptyState();
  const sink = new StateSink(state);
  readMessage(line(5, 'r-1'), T0, emptyCounters(), sink);
  readMessage(line(9, 'r-2'), T0, emptyCounters(), sink);
  const back = decodeState(encodeState(state)).pending.get(runIdOf(7));
  assert.ok(back, 'still pending');
  assert.equal(back.firstMs, T0 + 5);
  assert.equal(back.lastMs, T0 + 9);
  assert.deepEqual([...back.requestIds].sort(), ['r-1', 'r-2']);
});

test('a state item written before runs were folded (every line, no spans) still decodes to the same run', () => {
  const events = runEvents(12);
  const c = emptyCounters();
  const lines: Record<string, unknown>[] = [];
  const reports: Record<string, number | null> = {};
  for (const e of events) {
    const p = parseMessage(e.message, e.timestampMs, c);
    if (p.kind === 'report') reports[p.report.requestId] = p.report.initDurationS ?? null;
    if (p.kind !== 'runtime') continue;
    // The old format: each line's kept fields, absent ones omitted.
    lines.push(Object.fromEntries(Object.entries(p.line).filter(([, v]) => v !== undefined && v !== null)));
  }
  const old = gzipSync(JSON.stringify({ pending: { [runIdOf(12)]: lines }, reports, counted: {} })).toString('base64');
  const state = decodeState(old);
  const run = state.pending.get(runIdOf(12))!;
  assert.deepStrictEqual(assemble(runIdOf(12), run, state.reports, view), expected(events));
});
