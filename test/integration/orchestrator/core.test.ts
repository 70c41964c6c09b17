// The orchestrator core against a real DynamoDB API (moto on loopback): dispatch, conditional
// claims, limits, the scavenger's moves, the WorkerAssistant's conditional reports. Time is a
// controlled clock, so expiry and backoff are exact.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startMoto, type Moto } from '../../../testkit/orchestrator/moto.js';
import { Clock, MemoryLog, RecordingReleaser, cycleDeps, testConfig } from '../../../testkit/orchestrator/support.js';
import { DynamoTaskStore } from '../../../shared/orchestrator/task-store.js';
import { TaskDispatcher, type Nudger } from '../../../shared/orchestrator/dispatcher.js';
import { WorkerAssistant, taskReporter } from '../../../shared/orchestrator/worker-assistant.js';
import { runCycle, releaseFor } from '../../../services/orchestrator/core/cycle.js';
import { LoopGuardError } from '../../../shared/errors.js';
import { makeTasksCommand } from '../../../cli/commands/tasks.js';
import { MAX_INTERNAL_HOPS, type WorkItem } from '../../../shared/contracts/internal.js';

let moto: Moto;
let n = 0;
const T0 = 1_800_000_000;

before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
});

async function fresh() {
  const tables = await moto.createTaskTables(`core${++n}`);
  const store = new DynamoTaskStore(moto.clients().doc, tables);
  const clock = new Clock(T0);
  const nudges: string[] = [];
  const nudger: Nudger = { nudge: async (reason) => void nudges.push(reason) };
  const dispatcher = new TaskDispatcher({ store, nudger, now: clock.now });
  const assistant = new WorkerAssistant({ doc: moto.clients().doc, tasksTable: tables.tasks, now: clock.now, nudger });
  return { tables, store, clock, nudges, dispatcher, assistant };
}

const syncItems = (count: number, hop = 0): WorkItem[] =>
  Array.from({ length: count }, (_, i) => ({
    type: 'sync_workflow',
    event: { workflow_id: `wf_${i}-1.0` },
    parent: { root_id: 'root-1', hop },
  }));

async function scanAll(table: string | undefined) {
  return (await moto.clients().doc.send(new ScanCommand({ TableName: table! }))).Items ?? [];
}

test('dispatch creates one task per item in FIFO order, then nudges the orchestrator once', async () => {
  const { store, dispatcher, nudges, tables } = await fresh();
  const { task_ids } = await dispatcher.dispatch(syncItems(3));
  assert.equal(task_ids.length, 3);
  assert.equal(new Set(task_ids).size, 3);
  const rows = await store.activeOf('log-syncer');
  assert.deepEqual(
    rows.map((r) => r.task_id),
    task_ids,
  );
  assert.deepEqual(
    rows.map((r) => r.greenfield),
    [2000, 3000, 4000],
  );
  assert.deepEqual(
    rows.map((r) => [r.type, r.hop, r.root_id, r.attempts]),
    task_ids.map(() => ['sync_workflow', 1, 'root-1', 0]),
  );
  assert.deepEqual(rows[0]!.event, { workflow_id: 'wf_0-1.0' });
  assert.equal(nudges.length, 1);
  // A second dispatch appends after the newest queued task.
  await dispatcher.dispatch(syncItems(1));
  assert.deepEqual(
    (await store.activeOf('log-syncer')).map((r) => r.greenfield),
    [2000, 3000, 4000, 5000],
  );
  assert.equal((await scanAll(tables.tasks)).length, 4);
});

test('dispatch past the hop limit refuses the whole batch before writing anything', async () => {
  const { dispatcher, tables, nudges } = await fresh();
  const items = [...syncItems(2), ...syncItems(1, MAX_INTERNAL_HOPS)];
  await assert.rejects(dispatcher.dispatch(items), LoopGuardError);
  assert.equal((await scanAll(tables.tasks)).length, 0);
  assert.equal(nudges.length, 0);
});

test('release never exceeds max_simultaneous − running, takes the queue head, and carries the task id as idempotency key', async () => {
  const { store, dispatcher, clock, assistant } = await fresh();
  const { task_ids } = await dispatcher.dispatch(syncItems(12));
  const releaser = new RecordingReleaser();
  const deps = cycleDeps(store, testConfig(), { releaser, now: clock.now });
  const first = await runCycle(deps);
  assert.equal(first.labourers['log-syncer']?.release?.released, 5);
  assert.deepEqual(
    releaser.released.map((m) => m.meta.task_id),
    task_ids.slice(0, 5),
  );
  const message = releaser.released[0]!;
  assert.deepEqual(message, {
    action: 'internal_action',
    type: 'sync_workflow',
    event: { workflow_id: 'wf_0-1.0' },
    meta: { idempotency_key: task_ids[0], root_id: 'root-1', hop: 1, task_id: task_ids[0], attempt: 1 },
  });
  clock.advance(5);
  const second = await runCycle(deps);
  assert.equal(second.labourers['log-syncer']?.release?.running, 5);
  assert.equal(second.labourers['log-syncer']?.release?.released, 0);
  // Two completions free two slots; the next run archives them and releases two more.
  assert.equal(await assistant.completed({ task_id: task_ids[0]!, attempt: 1 }, { synced: 3 }), 'recorded');
  assert.equal(await assistant.completed({ task_id: task_ids[1]! }), 'recorded');
  clock.advance(5);
  const third = await runCycle(deps);
  assert.equal(third.labourers['log-syncer']?.scavenge?.archived, 2);
  assert.equal(third.labourers['log-syncer']?.release?.released, 2);
  assert.deepEqual(
    releaser.released.slice(5).map((m) => m.meta.task_id),
    task_ids.slice(5, 7),
  );
  const closed = await store.getClosed(task_ids[0]!);
  assert.equal(closed?.outcome, 'completed');
  assert.equal(closed?.labourer_id_task_status, 'log-syncer_1');
  assert.deepEqual(closed?.result, { synced: 3 });
  assert.equal(await store.getActive(task_ids[0]!), undefined);
});

test('two orchestrator runs racing for the same queue never release a task twice', async () => {
  const { store, dispatcher, clock } = await fresh();
  await dispatcher.dispatch(syncItems(10));
  const config = testConfig({ max_simultaneous_invocations: 10 });
  const a = new RecordingReleaser();
  const b = new RecordingReleaser();
  // Bypass the lease: both runs read the same queue head and race on the conditional claims.
  const health = { status: 4 as const, metrics: [] };
  const [sa, sb] = await Promise.all([
    releaseFor(cycleDeps(store, config, { releaser: a, now: clock.now }), 'log-syncer', config.labourers['log-syncer']!, health),
    releaseFor(cycleDeps(store, config, { releaser: b, now: clock.now }), 'log-syncer', config.labourers['log-syncer']!, health),
  ]);
  const ids = [...a.released, ...b.released].map((m) => m.meta.task_id);
  assert.equal(ids.length, 10);
  assert.equal(new Set(ids).size, 10);
  assert.equal(sa.released + sb.released, 10);
  // Each run claimed at most what it wanted; whatever it lost went to the other run.
  assert.ok(sa.claim_lost + sa.released <= sa.desired && sb.claim_lost + sb.released <= sb.desired);
  // With the lease, a concurrent full cycle skips the labourer instead of racing.
  await dispatcher.dispatch(syncItems(3));
  const [ca, cb] = await Promise.all([
    runCycle(cycleDeps(store, config, { now: clock.now })),
    runCycle(cycleDeps(store, config, { now: clock.now })),
  ]);
  const skipped = [ca, cb].filter((s) => s.labourers['log-syncer']?.skipped === 'lease_held').length;
  const ran = [ca, cb].filter((s) => s.labourers['log-syncer']?.release !== undefined).length;
  assert.equal(skipped + ran, 2);
  assert.ok(ran >= 1);
});

test('scavenger: expired → retry table with backoff → head of the queue → dead after max_attempts, with the reason kept', async () => {
  const { store, dispatcher, clock, tables } = await fresh();
  const config = testConfig(
    { max_simultaneous_invocations: 1, max_attempts: 2, max_duration_s: 60, cooldown_s: 0 },
    { retry: { base_delay_s: 10, max_delay_s: 100, jitter: 0 } },
  );
  const releaser = new RecordingReleaser();
  const log = new MemoryLog();
  const deps = cycleDeps(store, config, { releaser, now: clock.now, log });
  const [victim, other] = (await dispatcher.dispatch(syncItems(2))).task_ids;
  await runCycle(deps); // releases victim (attempt 1)
  clock.advance(59);
  assert.equal((await runCycle(deps)).labourers['log-syncer']?.scavenge?.retried, 0, 'not expired before max duration');
  clock.advance(1);
  const expired = await runCycle(deps);
  assert.equal(expired.labourers['log-syncer']?.scavenge?.retried, 1);
  const retryRow = await store.getRetry(victim!, ['log-syncer']);
  assert.equal(retryRow?.desired_launch_time, T0 + 60 + 10);
  assert.match(retryRow?.last_error ?? '', /attempt 1: no report within 60 s/);
  assert.equal(await store.getActive(victim!), undefined);
  // Meanwhile the slot went to the other task; complete it so the retry can run.
  assert.equal(expired.labourers['log-syncer']?.release?.released, 1);
  assert.equal(releaser.released.at(-1)?.meta.task_id, other);
  clock.advance(1);
  await new WorkerAssistant({ doc: moto.clients().doc, tasksTable: tables.tasks, now: clock.now }).completed({ task_id: other! });
  clock.advance(9); // due at T0+70
  const requeued = await runCycle(deps);
  assert.equal(requeued.labourers['log-syncer']?.scavenge?.requeued, 1);
  assert.equal(requeued.labourers['log-syncer']?.release?.released, 1);
  assert.deepEqual(releaser.released.at(-1)?.meta, { idempotency_key: victim, root_id: 'root-1', hop: 1, task_id: victim, attempt: 2 });
  clock.advance(60);
  const dead = await runCycle(deps);
  assert.equal(dead.labourers['log-syncer']?.scavenge?.dead, 1);
  const closed = await store.getClosed(victim!);
  assert.equal(closed?.outcome, 'dead');
  assert.equal(closed?.labourer_id_task_status, 'log-syncer_0');
  assert.equal(closed?.attempts, 2);
  assert.match(closed?.dead_reason ?? '', /dead after 2 attempt\(s\) \(max_attempts 2\)/);
  assert.ok(log.lines.some((l) => l.level === 'error' && l.message === 'task dead' && l.extra?.task_id === victim));
  assert.equal((await scanAll(tables.retry)).length, 0);
});

test('due retries go before fresh tasks, earliest due first', async () => {
  const { store, dispatcher, clock } = await fresh();
  const config = testConfig(
    { max_simultaneous_invocations: 2, max_duration_s: 10 },
    { retry: { base_delay_s: 5, max_delay_s: 100, jitter: 0 } },
  );
  const releaser = new RecordingReleaser();
  const deps = cycleDeps(store, config, { releaser, now: clock.now });
  // a is released one second before b, so a expires and becomes due one second earlier.
  const [a] = (await dispatcher.dispatch(syncItems(1))).task_ids;
  await runCycle(deps);
  clock.advance(1);
  const [b] = (await dispatcher.dispatch(syncItems(1))).task_ids;
  await runCycle(deps);
  clock.advance(9);
  assert.equal((await runCycle(deps)).labourers['log-syncer']?.scavenge?.retried, 1); // a expired: due at T0+15
  clock.advance(1);
  assert.equal((await runCycle(deps)).labourers['log-syncer']?.scavenge?.retried, 1); // b expired: due at T0+16
  const fresh2 = (await dispatcher.dispatch(syncItems(3))).task_ids;
  // Nothing was released meanwhile: the fresh tasks only arrived now.
  clock.advance(5);
  const stats = await runCycle(deps);
  assert.equal(stats.labourers['log-syncer']?.scavenge?.requeued, 2);
  assert.deepEqual(
    releaser.released.slice(-2).map((m) => m.meta.task_id),
    [a, b],
  );
  assert.equal((await store.activeOf('log-syncer')).filter((r) => r.greenfield < clock.nowS).length, fresh2.length);
});

test('a failure report retries at the next run without waiting for expiry; a release failure too', async () => {
  const { store, dispatcher, clock, assistant } = await fresh();
  const releaser = new RecordingReleaser();
  const deps = cycleDeps(store, testConfig({ max_simultaneous_invocations: 2 }), { releaser, now: clock.now });
  const [a, b] = (await dispatcher.dispatch(syncItems(2))).task_ids;
  releaser.failNext = 1; // a's PutEvents entry fails (a is claimed first)
  const first = await runCycle(deps);
  assert.equal(first.labourers['log-syncer']?.release?.released, 1);
  assert.equal(first.labourers['log-syncer']?.release?.release_failed, 1);
  assert.equal(
    await assistant.failed({ task_id: releaser.released[0]!.meta.task_id!, attempt: 2 }, new Error('x')),
    'stale',
    'wrong attempt',
  );
  assert.equal(
    await assistant.failed({ task_id: releaser.released[0]!.meta.task_id!, attempt: 1 }, new Error('provider API 503')),
    'recorded',
  );
  clock.advance(1);
  const second = await runCycle(deps);
  assert.equal(second.labourers['log-syncer']?.scavenge?.retried, 2);
  assert.equal(releaser.released[0]!.meta.task_id, b);
  const retried = await store.getRetry(b!, ['log-syncer']);
  assert.equal(retried?.failed_attempts, 1);
  assert.match(retried?.last_error ?? '', /attempt 1: Error: provider API 503/);
  assert.match((await store.getRetry(a!, ['log-syncer']))?.last_error ?? '', /PutEvents InternalFailure/);
});

test('WorkerAssistant reports are conditional: duplicates, unclaimed and unknown tasks are stale, never upserted', async () => {
  const { store, dispatcher, clock, assistant, tables } = await fresh();
  const [queued] = (await dispatcher.dispatch(syncItems(1))).task_ids;
  assert.equal(await assistant.completed({ task_id: queued! }), 'stale', 'a queued task cannot be completed');
  assert.equal(await assistant.completed({ task_id: 'no-such-task' }), 'stale');
  assert.equal(
    (await moto.clients().doc.send(new GetCommand({ TableName: tables.tasks, Key: { task_id: 'no-such-task' } }))).Item,
    undefined,
  );
  await runCycle(cycleDeps(store, testConfig(), { now: clock.now }));
  assert.equal(await assistant.completed({ task_id: queued! }), 'recorded');
  assert.equal(await assistant.completed({ task_id: queued! }), 'stale', 'second completion');
  assert.equal(await assistant.failed({ task_id: queued! }, 'late'), 'stale', 'failure after completion');
});

test('a completion that lands while the scavenger moves the task wins: the move is abandoned atomically', async () => {
  const { store, dispatcher, clock, assistant, tables } = await fresh();
  const config = testConfig({ max_duration_s: 10 });
  const [id] = (await dispatcher.dispatch(syncItems(1))).task_ids;
  await runCycle(cycleDeps(store, config, { now: clock.now }));
  clock.advance(10);
  const snapshot = (await store.getActive(id!))!;
  await assistant.completed({ task_id: id! }); // the late labourer reports just in time
  assert.equal(await store.moveToRetry(snapshot, clock.nowS + 5), false);
  assert.equal((await scanAll(tables.retry)).length, 0, 'no half move');
  const stats = await runCycle(cycleDeps(store, config, { now: clock.now }));
  assert.equal(stats.labourers['log-syncer']?.scavenge?.archived, 1);
  assert.equal((await store.getClosed(id!))?.outcome, 'completed');
});

test("a non-retryable failure (through the labourer consumer's TaskReporter) closes the task as dead at once", async () => {
  const { store, dispatcher, clock, assistant } = await fresh();
  const releaser = new RecordingReleaser();
  const deps = cycleDeps(store, testConfig({ max_attempts: 3 }), { releaser, now: clock.now });
  const [bad, good] = (await dispatcher.dispatch(syncItems(2))).task_ids;
  await runCycle(deps);
  const reporter = taskReporter(assistant);
  await reporter.failed({ task_id: bad! }, { message: 'workflow wf_0-1.0 does not exist', retryable: false });
  await reporter.completed({ task_id: good! }, { ok: true });
  clock.advance(1);
  const stats = await runCycle(deps);
  assert.equal(stats.labourers['log-syncer']?.scavenge?.dead, 1);
  assert.equal(stats.labourers['log-syncer']?.scavenge?.archived, 1);
  const dead = await store.getClosed(bad!);
  assert.equal(dead?.outcome, 'dead');
  assert.equal(dead?.attempts, 1);
  assert.match(dead?.dead_reason ?? '', /non-retryable failure \(attempt \?: workflow wf_0-1.0 does not exist\)/);
  assert.deepEqual((await store.getClosed(good!))?.result, { ok: true });
});

test('archiving in batches: one transaction per 50 tasks, and a stale row costs only itself', async () => {
  const { store, dispatcher, clock, assistant, tables } = await fresh();
  const ids = (await dispatcher.dispatch(syncItems(60))).task_ids;
  await runCycle(cycleDeps(store, testConfig({ max_simultaneous_invocations: 60 }), { now: clock.now }));
  for (const id of ids) await assistant.completed({ task_id: id });
  const rows = (await store.activeOf('log-syncer')).filter((r) => r.completed_at !== undefined);
  assert.equal(rows.length, 60);
  const stale = { ...rows[7]!, greenfield: rows[7]!.greenfield - 1 }; // as if it changed after our read
  const calls = moto.counter.calls.get('dynamodb:TransactWriteItemsCommand') ?? 0;
  const result = await store.archiveMany([...rows.slice(0, 7), stale, ...rows.slice(8)], clock.nowS);
  assert.deepEqual(result, { archived: 59, lost: 1 });
  // First chunk of 50 fails as a whole and is redone task by task (1 + 50); the chunk of 10 is one call.
  assert.equal((moto.counter.calls.get('dynamodb:TransactWriteItemsCommand') ?? 0) - calls, 1 + 50 + 1);
  assert.equal((await scanAll(tables.closed)).length, 59);
  assert.ok(await store.getActive(rows[7]!.task_id), 'the stale one stays for the next run');
});

test('caribou tasks: counts every state, filters by state, shows a dead task with its reason', async () => {
  const { store, dispatcher, clock, assistant } = await fresh();
  const config = testConfig(
    { max_simultaneous_invocations: 5, max_attempts: 1, max_duration_s: 10 },
    { retry: { base_delay_s: 100, max_delay_s: 100, jitter: 0 } },
  );
  const deps = cycleDeps(store, config, { now: clock.now });
  const ids = (await dispatcher.dispatch(syncItems(8))).task_ids;
  await runCycle(deps); // 0..4 running, 5..7 queued
  await assistant.completed({ task_id: ids[0]! });
  await assistant.failed({ task_id: ids[1]! }, new Error('boom'));
  clock.advance(10);
  await runCycle(deps); // 0 archived; 1 dead (max_attempts 1); 2..4 expired → dead; releases 5..7
  const retryDeps = cycleDeps(
    store,
    testConfig(
      { max_simultaneous_invocations: 5, max_attempts: 3, max_duration_s: 10 },
      { retry: { base_delay_s: 100, max_delay_s: 100, jitter: 0 } },
    ),
    { now: clock.now },
  );
  await assistant.failed({ task_id: ids[5]! }, 'provider 503');
  clock.advance(1);
  await runCycle(retryDeps); // 5 → retry table
  await assistant.completed({ task_id: ids[6]! }); // completed, not yet archived
  const more = (await dispatcher.dispatch(syncItems(1))).task_ids; // queued

  const lines: string[] = [];
  const env = { CARIBOU_ORCHESTRATOR_CONFIG: JSON.stringify({ labourers: { 'log-syncer': { max_duration_s: 10, cooldown_s: 0 } } }) };
  const cli = makeTasksCommand({ store: () => store, env, now: () => clock.nowS + 10 });
  const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
  assert.equal(await cli.run(['--labourer', 'log-syncer'], io), 0);
  // queued 1 (more), running 0, completed 2 (0 archived, 6 reported), failed 0, expired 1 (7, silent), retrying 1 (5), dead 4 (1..4)
  const row = lines
    .find((l) => l.trim().startsWith('log-syncer'))!
    .trim()
    .split(/\s+/);
  assert.deepEqual(row, ['log-syncer', '1', '0', '2', '0', '1', '1', '4']);
  lines.length = 0;
  assert.equal(await cli.run(['--status', 'dead', '--json'], io), 0);
  const json = JSON.parse(lines.join('\n'));
  assert.equal(json.total, 4);
  assert.ok(json.tasks.every((t: { state: string }) => t.state === 'dead'));
  assert.equal(json.counts['log-syncer'].queued, 1);
  lines.length = 0;
  assert.equal(await cli.run(['show', ids[1]!], io), 0);
  assert.ok(lines.includes('state:          dead'));
  assert.ok(
    lines.some((l) =>
      /^dead reason:\s+dead after 1 attempt\(s\) \(max_attempts 1\); last attempt reported failed: attempt \?: Error: boom$/.test(l),
    ),
    lines.join('\n'),
  );
  assert.ok(lines.includes('event:          {"workflow_id":"wf_1-1.0"}'));
  lines.length = 0;
  assert.equal(await cli.run(['show', more[0]!], io), 0);
  assert.ok(lines.includes('state:          queued'));
  assert.equal(await cli.run(['show', 'nope'], io), 1);
});

test("queue queries over sosw's fixtures (§9.4): ends of the queue, next tasks skip claimed ones, claim writes now + Δ", async () => {
  const { store, clock } = await fresh();
  const base = {
    labourer_id: 'log-syncer' as const,
    type: 'sync_workflow' as const,
    event: {},
    root_id: 'r',
    hop: 1,
    created_at: T0,
    attempts: 0,
  };
  const queued = [13000, 17000, 11000, 19000, 15000];
  const claimed = [1, 2, 3].map((i) => T0 - 60 * i + 31_557_600);
  await store.putNew([
    ...queued.map((greenfield, i) => ({ ...base, task_id: `q${i}`, greenfield })),
    ...claimed.map((greenfield, i) => ({ ...base, task_id: `c${i}`, greenfield, attempts: 1 })),
  ]);
  assert.equal(await store.oldestQueued('log-syncer', T0), 11000);
  assert.equal(await store.newestQueued('log-syncer', T0), 19000);
  assert.equal(await store.newestQueued('migrator', T0), undefined);
  assert.deepEqual(
    (await store.nextQueued('log-syncer', T0, 5000)).map((t) => t.greenfield),
    [11000, 13000, 15000, 17000, 19000],
  );
  assert.deepEqual(
    (await store.nextQueued('log-syncer', T0, 2)).map((t) => t.task_id),
    ['q2', 'q0'],
  );
  const m = { start: T0, invoked: T0 + 31_557_600, expired: T0 + 31_557_600 - 1200 };
  assert.equal(await store.countRunning('log-syncer', m), 3);
  const won = await store.claim((await store.nextQueued('log-syncer', T0, 1))[0]!, m, clock.nowS);
  assert.equal(won?.greenfield, T0 + 31_557_600);
  assert.equal(won?.attempts, 1);
  assert.equal(await store.claim({ ...won!, greenfield: 11000 }, m, clock.nowS), undefined, 'a second claim of the same task loses');
});
