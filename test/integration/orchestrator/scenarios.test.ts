// The orchestrator's scenarios on a running system (moto on loopback: DynamoDB, EventBridge bus and
// rule, SQS queues, CloudWatch): a fan-out action through the router becomes one task per workflow,
// released within the labourer's limit, retried after crashes, held back while unhealthy.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { startMoto, type Moto } from '../../../testkit/orchestrator/moto.js';
import { MemoryLog, sleep, testConfig } from '../../../testkit/orchestrator/support.js';
import { OrchestratorDriver, TestLabourer, until, wire } from '../../../testkit/orchestrator/system.js';
import { DynamoTaskStore } from '../../../shared/orchestrator/task-store.js';
import { SqsNudger, TaskDispatcher } from '../../../shared/orchestrator/dispatcher.js';
import { assessHealth } from '../../../services/orchestrator/core/ecology.js';
import { CloudWatchMetricReader } from '../../../services/orchestrator/adapters/cloudwatch-metrics.js';
import { routeAction, type RouterDeps } from '../../../services/action-router/core.js';
import { makeTasksCommand } from '../../../cli/commands/tasks.js';

let moto: Moto;
let n = 0;

before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
});

async function system(prefix: string) {
  const tables = await moto.createTaskTables(prefix);
  const wiring = await wire(moto, prefix);
  const store = new DynamoTaskStore(moto.clients().doc, tables);
  const dispatcher = new TaskDispatcher({ store, nudger: new SqsNudger(moto.clients().sqs, wiring.orchestratorQueueUrl) });
  return { tables, wiring, store, dispatcher };
}

function router(dispatcher: TaskDispatcher, workflows: number): RouterDeps {
  return {
    version: 'test',
    listWorkflowIds: async () => Array.from({ length: workflows }, (_, i) => `wf_${i}-0.0.1`),
    listStagedWorkflowIds: async () => [],
    dispatcher,
    isAvailable: () => true,
  };
}

test('log_sync over 500 workflows: one task each, never more than 5 running, all completed once', async () => {
  const { tables, wiring, store, dispatcher } = await system(`lim${++n}`);
  const answer = await routeAction({ action: 'log_sync' }, router(dispatcher, 500));
  assert.deepEqual(answer, { status: 200, message: 'Log sync started', workflows: 500 });
  const queued = await store.activeOf('log-syncer');
  assert.equal(queued.length, 500);
  assert.equal(new Set(queued.map((t) => t.event.workflow_id)).size, 500);

  const config = testConfig({ max_simultaneous_invocations: 5, max_duration_s: 120 });
  const driver = new OrchestratorDriver(moto, wiring, {
    config,
    store,
    metrics: new CloudWatchMetricReader(moto.clients().cloudwatch),
    now: () => Date.now() / 1000,
    log: new MemoryLog(),
  });
  const labourer = new TestLabourer(moto, wiring, tables, { workMs: 10 });
  driver.start();
  labourer.start();
  try {
    await until(() => labourer.effects.size === 500, 600_000, '500 completions');
    // The orchestrator keeps running until the last completions are archived (moto's transactions
    // take seconds under load): then the whole history is in the closed table.
    await until(async () => (await store.countClosed('log-syncer', 'completed')) === 500, 240_000, 'archive');
  } finally {
    await labourer.stop();
    await driver.stop();
  }
  assert.ok(labourer.maxInFlight <= 5, `labourer saw ${labourer.maxInFlight} tasks at once`);
  assert.equal(labourer.maxInFlight, 5, 'the limit was reached (the test can observe a breach)');
  for (const cycle of driver.cycles) {
    const r = cycle.labourers['log-syncer']?.release;
    if (r) assert.ok(r.running + r.released <= 5, `a cycle released ${r.released} with ${r.running} running`);
  }
  assert.ok([...labourer.effects.values()].every((count) => count === 1));
  assert.ok([...labourer.executions.values()].every((count) => count === 1));
});

test('a labourer that crashes on every first attempt still completes every task exactly once', async () => {
  const { tables, wiring, store, dispatcher } = await system(`crash${++n}`);
  const answer = await routeAction({ action: 'log_sync' }, router(dispatcher, 40));
  assert.equal(answer.status, 200);
  const config = testConfig(
    { max_simultaneous_invocations: 10, max_duration_s: 2, cooldown_s: 0, max_attempts: 3 },
    { retry: { base_delay_s: 0.5, max_delay_s: 2, jitter: 0.5 } },
  );
  const driver = new OrchestratorDriver(
    moto,
    wiring,
    { config, store, metrics: new CloudWatchMetricReader(moto.clients().cloudwatch), now: () => Date.now() / 1000, log: new MemoryLog() },
    300,
  );
  const labourer = new TestLabourer(moto, wiring, tables, { workMs: 5, crash: (m) => m.meta.attempt === 1 });
  driver.start();
  labourer.start();
  try {
    await until(async () => (await store.countClosed('log-syncer', 'completed')) === 40, 240_000, '40 archived completions');
  } finally {
    await labourer.stop();
    await driver.stop();
  }
  assert.equal(labourer.crashes.size, 40);
  assert.equal(labourer.effects.size, 40);
  assert.ok(
    [...labourer.effects.values()].every((count) => count === 1),
    'each task did its work exactly once',
  );
  assert.ok(
    [...labourer.executions.values()].every((count) => count === 2),
    'one crash + one success per task',
  );
  const closed = await store.closedOf('log-syncer', 'completed');
  assert.equal(closed.length, 40);
  assert.ok(closed.every((t) => t.attempts === 2 && /attempt 1: no report/.test(t.last_error ?? '')));
  assert.equal(await store.countClosed('log-syncer', 'dead'), 0);
  assert.equal((await store.activeOf('log-syncer')).length, 0);
  assert.equal((await store.retryOf('log-syncer')).length, 0);

  // The operator's view shows the whole history.
  const lines: string[] = [];
  const cli = makeTasksCommand({ store: () => store, env: {} });
  assert.equal(await cli.run(['--labourer', 'log-syncer', '--limit', '3'], { out: (l) => lines.push(l), err: (l) => lines.push(l) }), 0);
  const countRow = lines.find((l) => l.trim().startsWith('log-syncer'))!;
  assert.deepEqual(countRow.trim().split(/\s+/), ['log-syncer', '0', '0', '40', '0', '0', '0', '0']);
  assert.ok(lines.some((l) => l.includes('3 of 40 task(s) (labourer log-syncer)')));
  const shown: string[] = [];
  assert.equal(await cli.run(['show', closed[0]!.task_id], { out: (l) => shown.push(l), err: (l) => shown.push(l) }), 0);
  assert.ok(shown.includes('state:          completed'));
  assert.ok(shown.includes('attempts:       2'));
  assert.ok(shown.some((l) => l.startsWith('last error:') && l.includes('attempt 1: no report within 2 s')));
});

test('an unhealthy metric holds tasks back; release resumes when it recovers', async () => {
  const { tables, wiring, store, dispatcher } = await system(`eco${++n}`);
  const namespace = `Caribou/Test${n}`;
  const dimensions = [{ Name: 'QueueName', Value: 'log-syncer-dlq' }];
  const put = (value: number) =>
    moto
      .clients()
      .cloudwatch.send(
        new PutMetricDataCommand({ Namespace: namespace, MetricData: [{ MetricName: 'Depth', Value: value, Dimensions: dimensions }] }),
      );
  const config = testConfig({
    max_simultaneous_invocations: 4,
    health_metrics: {
      dlq_depth: {
        metric: { namespace, metric_name: 'Depth', dimensions: { QueueName: 'log-syncer-dlq' }, stat: 'Maximum', period_s: 1 },
        lookback_s: 2,
        feelings: { 4: 0, 3: 10 },
        comparison: '<=',
      },
    },
  });
  await put(50); // far worse than every feeling → status 0
  const reader = new CloudWatchMetricReader(moto.clients().cloudwatch);
  // CloudWatch shows a datapoint after a short delay: start once the bad value is visible.
  await until(
    async () => (await assessHealth(config, ['log-syncer'], reader, Date.now() / 1000)).get('log-syncer')?.status === 0,
    10_000,
    'the bad datapoint',
  );
  const { task_ids } = await dispatcher.dispatch(
    Array.from({ length: 8 }, (_, i) => ({
      type: 'sync_workflow' as const,
      event: { workflow_id: `wf_${i}-1.0` },
      parent: { root_id: 'r', hop: 0 },
    })),
  );
  const driver = new OrchestratorDriver(
    moto,
    wiring,
    { config, store, metrics: new CloudWatchMetricReader(moto.clients().cloudwatch), now: () => Date.now() / 1000, log: new MemoryLog() },
    200,
  );
  const labourer = new TestLabourer(moto, wiring, tables, { workMs: 5 });
  driver.start();
  labourer.start();
  try {
    await until(() => driver.cycles.length >= 3, 10_000, 'three cycles while unhealthy');
    const unhealthy = driver.cycles.map((c) => c.labourers['log-syncer']?.release);
    assert.ok(
      unhealthy.every((r) => r?.health === 0 && r.released === 0),
      JSON.stringify(driver.cycles),
    );
    assert.equal(labourer.executions.size, 0);
    // Recovery: the bad datapoint leaves the 2 s window and a healthy one arrives.
    await sleep(2500);
    await put(0);
    await until(() => labourer.effects.size === task_ids.length, 30_000, 'all tasks after recovery');
  } finally {
    await labourer.stop();
    await driver.stop();
  }
  const healthy = driver.cycles.map((c) => c.labourers['log-syncer']?.release).filter((r) => r && r.released > 0);
  assert.ok(healthy.length > 0 && healthy.every((r) => r!.health === 4 && r!.running + r!.released <= 4));
});
