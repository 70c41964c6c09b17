import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleRun, dagView } from '../../../services/log-syncer/core/reconstruct.js';
import { seeded, simulateRun } from '../../../bench/log-syncer/simulate.js';
import { mapReduce, runIdOf, smallSync, splitEvents } from './fixtures.js';

const dag = mapReduce.dag;
const view = dagView(dag);
const fnOf = (instance: string) => instance.split(':')[0]!.slice('map_reduce-0_0_1-'.length);
const is = (fn: string) => (instance: string) => fnOf(instance) === fn;
const edgeTo = (suffix: string) => Object.values(dag.edges).find((e) => e.edge_id.endsWith(suffix))!;
// Mappers 0..2 run (edges #1, #2 taken; #3..#5 not): 3 results → both reducer calls.
const threeMappers = (edgeId: string) => !/entry_point:0#[345]$/.test(edgeId);

test('a map_reduce run: instances, taken and not-taken edges, sync firings, sizes and latencies', () => {
  const events = simulateRun(dag, {
    runId: runIdOf(1),
    startMs: Date.parse('2026-12-01T10:00:00Z'),
    taken: threeMappers,
    random: seeded(1),
    lambdaPrefix: true,
  });
  const { lines, reports } = splitEvents(events);
  // Order must not matter: reverse the lines.
  const result = assembleRun(runIdOf(1), lines.reverse(), reports, view);
  assert.equal(result.state, 'complete');
  if (result.state !== 'complete') return;
  const run = result.run;
  assert.equal(run.succeeded, true);
  assert.equal(run.instances.length, 1 + 3 + 1 + 2 + 1);
  const invoked = run.edges.filter((e) => e.invoked);
  const skipped = run.edges.filter((e) => !e.invoked);
  assert.equal(invoked.length, 3 + 3 + 2 + 2); // entry→mappers, mappers→shuffler, shuffler→reducers, reducers→output
  assert.equal(skipped.length, 3);
  for (const e of skipped) assert.ok(is('mapper')(e.to));
  // Exactly one mapper→shuffler edge carried the firing message, and it has the shuffler's latency.
  const toShuffler = invoked.filter((e) => is('shuffler')(e.to));
  assert.equal(toShuffler.length, 3);
  assert.ok(toShuffler.every((e) => e.toSyncNode && e.payloadBytes === 300));
  assert.equal(toShuffler.filter((e) => e.latencyS !== undefined).length, 1);
  const toMappers = invoked.filter((e) => is('mapper')(e.to));
  assert.ok(toMappers.every((e) => e.latencyS! > 0 && e.payloadBytes === 400 && e.toRegion === 'aws:us-east-1'));
  const shuffler = run.instances.find((i) => is('shuffler')(i.instance))!;
  assert.equal(shuffler.syncDownloadBytes, 800);
  assert.ok(run.runtimeS > 0);
  assert.equal(run.wpdBytes, 900);
  assert.equal(edgeTo('entry_point:0#0').conditional, false);
});

test("a run spanning two regions is rebuilt from both regions' log groups", () => {
  const events = simulateRun(dag, {
    runId: runIdOf(2),
    startMs: Date.parse('2026-12-01T10:00:00Z'),
    taken: threeMappers,
    random: seeded(2),
    regionOf: (i) => (is('mapper')(i) || is('reducer')(i) ? 'aws:eu-west-1' : 'aws:us-east-1'),
  });
  assert.ok(new Set(events.map((e) => e.group.split('|')[0])).size === 2);
  const { lines, reports } = splitEvents(events);
  const result = assembleRun(runIdOf(2), lines, reports, view);
  assert.equal(result.state, 'complete');
  if (result.state !== 'complete') return;
  const cross = result.run.edges.filter((e) => e.invoked && e.fromRegion !== e.toRegion);
  assert.ok(cross.some((e) => e.fromRegion === 'aws:us-east-1' && e.toRegion === 'aws:eu-west-1' && is('mapper')(e.to)));
  assert.ok(cross.some((e) => e.fromRegion === 'aws:eu-west-1' && e.toRegion === 'aws:us-east-1' && is('shuffler')(e.to)));
  assert.deepEqual([...new Set(result.run.instances.map((i) => i.region))].sort(), ['aws:eu-west-1', 'aws:us-east-1']);
});

test('cold starts come from REPORT Init Duration, matched by request id; duplicates and exceptions are counted', () => {
  const events = simulateRun(dag, {
    runId: runIdOf(3),
    startMs: 0,
    taken: threeMappers,
    random: seeded(3),
    coldStart: is('shuffler'),
    duplicate: is('reducer'),
    failures: (i) => (is('output_processor')(i) ? 2 : 0),
  });
  const { lines, reports } = splitEvents(events);
  const result = assembleRun(runIdOf(3), lines, reports, view);
  assert.equal(result.state, 'complete');
  if (result.state !== 'complete') return;
  const by = (s: string) => result.run.instances.filter((i) => is(s)(i.instance));
  assert.equal(by('shuffler')[0]!.coldStart, true);
  assert.ok(by('shuffler')[0]!.initDurationS! > 0.1);
  assert.ok(by('mapper').every((i) => !i.coldStart && i.initDurationS === undefined));
  assert.ok(by('reducer').every((i) => i.duplicateDeliveries === 1));
  assert.equal(by('output_processor')[0]!.exceptions, 2);
  assert.equal(result.run.succeeded, true);
});

test('incomplete runs wait: a missing EXECUTED, a missing REPORT; forced, they are failed (or orphans without an entry)', () => {
  const events = simulateRun(dag, { runId: runIdOf(4), startMs: 0, taken: threeMappers, random: seeded(4) });
  const { lines, reports } = splitEvents(events);
  const lastExecuted = lines.filter((l) => l.caribou_event === 'EXECUTED').at(-1)!;
  const withoutLast = lines.filter((l) => l !== lastExecuted);
  assert.equal(assembleRun(runIdOf(4), withoutLast, reports, view).state, 'incomplete');
  const noReports = new Map(reports);
  noReports.delete(String(lastExecuted.function_request_id));
  assert.equal(assembleRun(runIdOf(4), lines, noReports, view).state, 'incomplete');
  const forced = assembleRun(runIdOf(4), withoutLast, reports, view, true);
  assert.equal(forced.state, 'complete');
  if (forced.state === 'complete') assert.equal(forced.run.succeeded, false);
  const fragment = lines.filter((l) => l.caribou_event === 'DUPLICATE_DELIVERY' || l.instance === lastExecuted.instance);
  assert.equal(assembleRun(runIdOf(4), fragment, reports, view, true).state, 'orphan');
});

test('small_sync_example: every condition false settles both sync nodes as skipped', () => {
  const d = smallSync.dag;
  const events = simulateRun(d, { runId: runIdOf(5), startMs: 0, taken: () => false, random: seeded(5) });
  const { lines, reports } = splitEvents(events);
  const result = assembleRun(runIdOf(5), lines, reports, dagView(d));
  assert.equal(result.state, 'complete');
  if (result.state !== 'complete') return;
  assert.equal(result.run.instances.length, 1);
  assert.equal(result.run.edges.filter((e) => !e.invoked).length, 3);
  assert.equal(result.run.succeeded, true);
});

test('lines read twice (a range read again) are deduplicated: the run is the same', () => {
  const events = simulateRun(dag, { runId: runIdOf(6), startMs: 0, taken: threeMappers, random: seeded(6), duplicate: is('reducer') });
  const { lines, reports } = splitEvents(events);
  const once = assembleRun(runIdOf(6), lines, reports, view);
  const twice = assembleRun(runIdOf(6), [...lines, ...lines.map((l) => ({ ...l }))], reports, view);
  assert.deepEqual(twice, once);
});
