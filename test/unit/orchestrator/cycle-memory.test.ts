// The orchestrator's cycle (dispatch, release within limits, scavenger moves, leases) against the
// in-memory TaskStore: the same scenarios as test/integration/orchestrator/core.test.ts, without
// the emulator, so the cycle's logic is covered by the unit tier.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Clock, MemoryLog, RecordingReleaser, cycleDeps, testConfig } from '../../../testkit/orchestrator/support.js';
import { MemoryTaskStore } from '../../../shared/orchestrator/memory-task-store.js';
import { TaskDispatcher, type Nudger } from '../../../shared/orchestrator/dispatcher.js';
import { runCycle, releaseFor } from '../../../services/orchestrator/core/cycle.js';
import { LoopGuardError } from '../../../shared/errors.js';
import { MAX_INTERNAL_HOPS, type WorkItem } from '../../../shared/contracts/internal.js';

const T0 = 1_800_000_000;

function fresh() {
  const store = new MemoryTaskStore();
  const clock = new Clock(T0);
  const nudges: string[] = [];
  const nudger: Nudger = { nudge: async (reason) => void nudges.push(reason) };
  const dispatcher = new TaskDispatcher({ store, nudger, now: clock.now });
  return { store, clock, nudges, dispatcher };
}

const syncItems = (count: number, hop = 0): WorkItem[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'sync_workflow',
    event: { workflow_id: `wf_${i}-1.0` },
    parent: { root_id: 'root-1', hop },
  }));

test('dispatch appends tasks in FIFO greenfield order and nudges once; past the hop limit nothing is written', async () => {
  const { store, dispatcher, nudges } = fresh();
  const { task_ids } = await dispatcher.dispatch(syncItems(3));
  const rows = await store.activeOf('log-syncer');
  assert.deepEqual(
    rows.map((r) => r.task_id),
    task_ids,
  );
  assert.deepEqual(
    rows.map((r) => r.greenfield),
    [2000, 3000, 4000],
  );
  assert.equal(nudges.length, 1);
  await dispatcher.dispatch(syncItems(1));
  assert.deepEqual(
    (await store.activeOf('log-syncer')).map((r) => r.greenfield),
    [2000, 3000, 4000, 5000],
  );
  await assert.rejects(dispatcher.dispatch([...syncItems(1), ...syncItems(1, MAX_INTERNAL_HOPS)]), LoopGuardError);
  assert.equal(store.tasks.size, 4);
});

test('release never exceeds max_simultaneous − running; completions are archived and free their slots', async () => {
  const { store, dispatcher, clock } = fresh();
  const { task_ids } = await dispatcher.dispatch(syncItems(12));
  const releaser = new RecordingReleaser();
  const deps = cycleDeps(store, testConfig(), { releaser, now: clock.now });
  assert.equal((await runCycle(deps)).labourers['log-syncer']?.release?.released, 5);
  assert.deepEqual(
    releaser.released.map((m) => m.meta.task_id),
    task_ids.slice(0, 5),
  );
  assert.deepEqual(releaser.released[0]!.meta, {
    idempotency_key: task_ids[0],
    root_id: 'root-1',
    hop: 1,
    task_id: task_ids[0],
    attempt: 1,
  });
  clock.advance(5);
  const second = await runCycle(deps);
  assert.equal(second.labourers['log-syncer']?.release?.running, 5);
  assert.equal(second.labourers['log-syncer']?.release?.released, 0);
  assert.ok(store.completed(task_ids[0]!, clock.nowS, { synced: 3 }));
  assert.ok(store.completed(task_ids[1]!, clock.nowS));
  assert.equal(store.completed(task_ids[1]!, clock.nowS), false, 'a second report is stale');
  clock.advance(5);
  const third = await runCycle(deps);
  assert.equal(third.labourers['log-syncer']?.scavenge?.archived, 2);
  assert.equal(third.labourers['log-syncer']?.release?.released, 2);
  const closed = await store.getClosed(task_ids[0]!);
  assert.equal(closed?.outcome, 'completed');
  assert.deepEqual(closed?.result, { synced: 3 });
  assert.equal(await store.countClosed('log-syncer', 'completed'), 2);
  assert.equal(await store.getActive(task_ids[0]!), undefined);
});

test('two runs racing for one queue never release a task twice; with the lease one of two cycles skips', async () => {
  const { store, dispatcher, clock } = fresh();
  await dispatcher.dispatch(syncItems(10));
  const config = testConfig({ max_simultaneous_invocations: 10 });
  const a = new RecordingReleaser();
  const b = new RecordingReleaser();
  const health = { status: 4 as const, metrics: [] };
  const [sa, sb] = await Promise.all([
    releaseFor(cycleDeps(store, config, { releaser: a, now: clock.now }), 'log-syncer', config.labourers['log-syncer']!, health),
    releaseFor(cycleDeps(store, config, { releaser: b, now: clock.now }), 'log-syncer', config.labourers['log-syncer']!, health),
  ]);
  const ids = [...a.released, ...b.released].map((m) => m.meta.task_id);
  assert.equal(new Set(ids).size, ids.length);
  assert.equal(sa.released + sb.released, 10);
  assert.ok(await store.acquireLease('log-syncer', 'other-run', clock.nowS, 120));
  const skipped = await runCycle(cycleDeps(store, config, { now: clock.now }));
  assert.equal(skipped.labourers['log-syncer']?.skipped, 'lease_held');
  await store.releaseLease('log-syncer', 'other-run');
  assert.equal((await runCycle(cycleDeps(store, config, { now: clock.now }))).labourers['log-syncer']?.skipped, undefined);
});

test('scavenger: expired → retry with backoff → queue head → dead after max_attempts, reason kept', async () => {
  const { store, dispatcher, clock } = fresh();
  const config = testConfig(
    { max_simultaneous_invocations: 1, max_attempts: 2, max_duration_s: 60, cooldown_s: 0 },
    { retry: { base_delay_s: 10, max_delay_s: 100, jitter: 0 } },
  );
  const releaser = new RecordingReleaser();
  const log = new MemoryLog();
  const deps = cycleDeps(store, config, { releaser, now: clock.now, log });
  const [victim, other] = (await dispatcher.dispatch(syncItems(2))).task_ids;
  await runCycle(deps);
  clock.advance(59);
  assert.equal((await runCycle(deps)).labourers['log-syncer']?.scavenge?.retried, 0);
  clock.advance(1);
  const expired = await runCycle(deps);
  assert.equal(expired.labourers['log-syncer']?.scavenge?.retried, 1);
  const retryRow = await store.getRetry(victim!, ['log-syncer']);
  assert.equal(retryRow?.desired_launch_time, T0 + 60 + 10);
  assert.match(retryRow?.last_error ?? '', /attempt 1: no report within 60 s/);
  assert.equal(releaser.released.at(-1)?.meta.task_id, other);
  clock.advance(1);
  assert.ok(store.completed(other!, clock.nowS));
  clock.advance(9);
  const requeued = await runCycle(deps);
  assert.equal(requeued.labourers['log-syncer']?.scavenge?.requeued, 1);
  assert.deepEqual(releaser.released.at(-1)?.meta, { idempotency_key: victim, root_id: 'root-1', hop: 1, task_id: victim, attempt: 2 });
  clock.advance(60);
  assert.equal((await runCycle(deps)).labourers['log-syncer']?.scavenge?.dead, 1);
  const closed = await store.getClosed(victim!);
  assert.equal(closed?.outcome, 'dead');
  assert.equal(closed?.attempts, 2);
  assert.match(closed?.dead_reason ?? '', /dead after 2 attempt\(s\) \(max_attempts 2\)/);
  assert.ok(log.lines.some((l) => l.level === 'error' && l.message === 'task dead' && l.extra?.task_id === victim));
  assert.equal(store.retries.size, 0);
});

test('failure reports: retryable ones retry at the next run, a non-retryable one is dead at once, a release failure retries', async () => {
  const { store, dispatcher, clock } = fresh();
  const releaser = new RecordingReleaser();
  const deps = cycleDeps(
    store,
    testConfig({ max_simultaneous_invocations: 3 }, { retry: { base_delay_s: 0, max_delay_s: 0, jitter: 0 } }),
    { releaser, now: clock.now },
  );
  const [a, b, c] = (await dispatcher.dispatch(syncItems(3))).task_ids;
  releaser.failNext = 1; // a's release fails
  const first = await runCycle(deps);
  assert.equal(first.labourers['log-syncer']?.release?.release_failed, 1);
  clock.advance(1);
  assert.equal(store.failed(b!, clock.nowS, 'throttled', { attempt: 2 }), false, 'a report for another attempt is stale');
  assert.ok(store.failed(b!, clock.nowS, 'throttled', { attempt: 1 }));
  assert.ok(store.failed(c!, clock.nowS, 'bad input', { attempt: 1, retryable: false }));
  clock.advance(1);
  const second = await runCycle(deps);
  assert.equal(second.labourers['log-syncer']?.scavenge?.dead, 1);
  assert.equal((await store.getClosed(c!))?.outcome, 'dead');
  const released = new Set(releaser.released.map((m) => `${m.meta.task_id}#${m.meta.attempt}`));
  assert.ok(released.has(`${a}#2`) && released.has(`${b}#2`), [...released].join(' '));
});

test('a labourer whose run fails is reported with its error, its lease is freed, and the next cycle continues from the tables', async () => {
  const { store, dispatcher, clock } = fresh();
  const { task_ids } = await dispatcher.dispatch(syncItems(2));
  const releaser = new RecordingReleaser();
  const log = new MemoryLog();
  const deps = cycleDeps(store, testConfig(), { releaser, now: clock.now, log });
  const claimed = store.claimed.bind(store);
  store.claimed = async () => {
    throw new Error('tasks table throttled');
  };
  const failed = await runCycle(deps);
  assert.deepEqual(failed.labourers['log-syncer'], { error: 'tasks table throttled' });
  assert.equal(releaser.released.length, 0);
  assert.ok(log.lines.some((l) => l.level === 'error' && l.extra?.labourer === 'log-syncer'));
  store.claimed = claimed;
  clock.advance(1);
  const next = await runCycle({ ...deps, owner: 'another-run' });
  assert.equal(next.labourers['log-syncer']?.release?.released, 2, 'the failed run released its lease');
  assert.deepEqual(
    releaser.released.map((m) => m.meta.task_id),
    task_ids,
  );
});

test('a cycle started past its deadline skips every labourer and releases nothing', async () => {
  const { store, dispatcher, clock } = fresh();
  await dispatcher.dispatch(syncItems(3));
  const releaser = new RecordingReleaser();
  const stats = await runCycle(cycleDeps(store, testConfig(), { releaser, now: clock.now, deadlineMs: Date.now() - 1 }));
  assert.deepEqual(stats.labourers['log-syncer'], { skipped: 'deadline' });
  assert.equal(releaser.released.length, 0);
  assert.equal((await store.activeOf('log-syncer')).length, 3, 'the tasks wait for the next cycle');
});
