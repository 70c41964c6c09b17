import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dagView } from '../../../services/log-syncer/core/reconstruct.js';
import { syncWorkflow, type SyncDeps, type SyncSettings } from '../../../services/log-syncer/core/sync.js';
import { seeded, simulateRun, type SimulatedEvent } from '../../../bench/log-syncer/simulate.js';
import { summaryFromItem } from '../../../shared/stores/workflow-summary-codec.js';
import { FakeClock, MemoryLogs, MemoryStore, RecordingFollowUp, testSettings } from './memory.js';
import { mapReduce, runIdOf } from './fixtures.js';

const dag = mapReduce.dag;
const T0 = Date.parse('2026-12-01T10:00:00Z');
const workersOf = (i: number) => 1 + (i % 6);
const takenFor = (i: number) => (edgeId: string) => {
  const m = /entry_point:0#(\d)$/.exec(edgeId);
  if (m) return Number(m[1]) < workersOf(i);
  if (/shuffler:sync:7#1$/.test(edgeId)) return workersOf(i) >= 3;
  return true;
};

function runs(
  count: number,
  opts: {
    startMs?: number;
    spacingMs?: number;
    from?: number;
    regionOf?: (i: string) => string;
    failures?: (run: number) => (i: string) => number;
  } = {},
): SimulatedEvent[] {
  const events: SimulatedEvent[] = [];
  const from = opts.from ?? 0;
  for (let i = from; i < from + count; i++) {
    events.push(
      ...simulateRun(dag, {
        runId: runIdOf(i + 1),
        startMs: (opts.startMs ?? T0) + (i - from) * (opts.spacingMs ?? 1000),
        taken: takenFor(i),
        random: seeded(i + 1),
        regionOf: opts.regionOf,
        failures: opts.failures?.(i),
        lambdaPrefix: i % 2 === 0,
      }),
    );
  }
  // Foreign and corrupt lines around the runtime's.
  events.push({ group: events[0]!.group, timestampMs: opts.startMs ?? T0, message: 'START RequestId: x Version: $LATEST' });
  events.push({ group: events[0]!.group, timestampMs: (opts.startMs ?? T0) + 1, message: '{"caribou_event":"EXECUTED","run_id":"trunc' });
  return events;
}

function setup(settings: Partial<SyncSettings> = {}, pageSize = 50) {
  const logs = new MemoryLogs(pageSize);
  const store = new MemoryStore();
  const followUp = new RecordingFollowUp();
  const clock = new FakeClock(T0 + 3_600_000);
  const deps: SyncDeps = { logs, store, followUp, clock, settings: testSettings(settings) };
  const workflow = () => ({ workflowId: dag.workflow_id, groups: logs.groups(), dag: dagView(dag) });
  const summary = () => summaryFromItem(store.item as unknown as Record<string, unknown>);
  return { logs, store, followUp, clock, deps, workflow, summary };
}

const edgeCounts = (s: ReturnType<ReturnType<typeof setup>['summary']>) => {
  let invoked = 0;
  let skipped = 0;
  for (const r of s.runs) for (const e of r.edges) e.invoked ? invoked++ : skipped++;
  return { invoked, skipped };
};

test('N runs are synced exactly once; syncing again keeps N; lines are counted', async () => {
  const t = setup();
  t.logs.add(runs(40));
  const first = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(first.status, 'synced');
  assert.equal(first.runsAdded, 40);
  assert.equal(first.lines.corrupt, 1);
  assert.equal(first.lines.foreign, 1);
  t.clock.now += 600_000;
  const second = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(second.runsAdded, 0);
  const s = t.summary();
  assert.equal(s.totalRuns, 40);
  assert.equal(s.runs.length, 40);
  assert.equal(new Set(s.runs.map((r) => r.run_id)).size, 40);
  // Per-edge counts: entry→mapper taken = sum of workers; not taken = 6 - workers.
  const workers = Array.from({ length: 40 }, (_, i) => workersOf(i));
  const entryEdges = s.runs.flatMap((r) => r.edges.filter((e) => e.from === dag.entry_instance));
  assert.equal(
    entryEdges.filter((e) => e.invoked).length,
    workers.reduce((a, b) => a + b, 0),
  );
  assert.equal(
    entryEdges.filter((e) => !e.invoked).length,
    workers.reduce((a, b) => a + 6 - b, 0),
  );
  assert.equal(
    Object.values(s.daily).reduce((a, d) => a + d.invocations, 0),
    40,
  );
  assert.equal(s.version, 2);
});

test('a run cut by the window edge stays pending and is completed by the next sync (never dropped)', async () => {
  const t = setup({ graceMs: 0 });
  t.logs.add(runs(5));
  // The window ends in the middle of run 3 (runs start 1 s apart and last ~1 s).
  t.clock.now = T0 + 2_300;
  const first = await syncWorkflow(t.workflow(), t.deps);
  assert.ok(first.pendingRuns >= 1, `pending ${first.pendingRuns}`);
  assert.ok(t.summary().pendingRunIds.length >= 1);
  const countedFirst = first.runsAdded;
  assert.ok(countedFirst < 5);
  t.clock.now = T0 + 3_600_000;
  const second = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(countedFirst + second.runsAdded, 5);
  assert.equal(t.summary().totalRuns, 5);
  assert.equal(t.summary().pendingRunIds.length, 0);
  assert.ok(t.summary().runs.every((r) => r.succeeded));
});

test('a first attempt failing after reading writes nothing; the retry still counts exactly N', async () => {
  const t = setup();
  t.logs.add(runs(12));
  t.store.beforeSave = async () => {
    throw new Error('crash after reading');
  };
  await assert.rejects(syncWorkflow(t.workflow(), t.deps), /crash after reading/);
  assert.equal(t.store.item, undefined);
  const retry = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(retry.runsAdded, 12);
  assert.equal(t.summary().totalRuns, 12);
});

test('two racing syncs: the loser re-reads and adds nothing twice', async () => {
  const t = setup();
  t.logs.add(runs(10));
  // Another sync of the same workflow (same store, same logs) commits between our read and our write.
  t.store.beforeSave = async () => {
    const result = await syncWorkflow(t.workflow(), { ...t.deps });
    assert.equal(result.runsAdded, 10);
  };
  const ours = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(ours.attempts, 2);
  assert.equal(ours.runsAdded, 0);
  assert.equal(t.summary().totalRuns, 10);
  assert.equal(t.summary().runs.length, 10);
});

test('bounded work: out of time, a task stores a continuation and asks for a follow-up; the chain counts each run once', async () => {
  const t = setup({}, 20);
  t.logs.add(runs(30, { regionOf: (i) => (i.includes('-mapper:') ? 'aws:eu-west-1' : 'aws:us-east-1') }));
  let pages = 0;
  const inner = t.logs.page.bind(t.logs);
  t.logs.page = async (...args) => {
    pages++;
    // Each task may read 7 pages before its remaining time falls under the margin.
    if (pages % 7 === 0) t.clock.remaining = 10_000;
    return inner(...args);
  };
  let tasks = 0;
  let result;
  do {
    t.clock.remaining = 600_000;
    result = await syncWorkflow(t.workflow(), t.deps);
    tasks++;
  } while (result.status === 'continued' && tasks < 100);
  assert.ok(tasks > 2, `tasks ${tasks}`);
  assert.equal(t.followUp.requested.length, tasks - 1);
  assert.equal(t.summary().totalRuns, 30);
  assert.equal(new Set(t.summary().runs.map((r) => r.run_id)).size, 30);
  assert.equal(
    edgeCounts(t.summary()).invoked,
    t.summary().runs.reduce((a, r) => a + r.edges.filter((e) => e.invoked).length, 0),
  );
});

test('a run that never completes (message in the DLQ) is finalised as failed after the pending timeout', async () => {
  const t = setup({ pendingTimeoutMs: 600_000 });
  t.logs.add(runs(3, { failures: (run) => (i) => (run === 1 && i.includes('-reducer:') ? Number.POSITIVE_INFINITY : 0) }));
  t.clock.now = T0 + 120_000;
  const first = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(first.runsAdded, 2);
  assert.equal(first.pendingRuns, 1);
  t.clock.now = T0 + 7_200_000;
  const second = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(second.runsAdded, 1);
  const s = t.summary();
  assert.equal(s.runs.filter((r) => !r.succeeded).length, 1);
  assert.equal(
    Object.values(s.daily).reduce((a, d) => a + d.failures, 0),
    1,
  );
});

test('nothing older than the forgetting horizon is read', async () => {
  const t = setup({ horizonMs: 86_400_000 });
  t.logs.add(runs(3, { startMs: T0 - 3 * 86_400_000 }));
  t.logs.add(runs(4, { from: 10 }));
  const result = await syncWorkflow(t.workflow(), t.deps);
  assert.equal(result.runsAdded, 4);
});
