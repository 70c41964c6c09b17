// Killing the orchestrator mid-run loses nothing: a separate orchestrator process (the service's
// own wiring) is SIGKILLed between claiming tasks and releasing them; the next runs recover the
// claimed tasks through expiry and retry, and every task completes exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { startMoto, type Moto } from '../../../testkit/orchestrator/moto.js';
import { MemoryLog, testConfig } from '../../../testkit/orchestrator/support.js';
import { OrchestratorDriver, TestLabourer, until, wire } from '../../../testkit/orchestrator/system.js';
import { DynamoTaskStore } from '../../../shared/orchestrator/task-store.js';
import { TaskDispatcher } from '../../../shared/orchestrator/dispatcher.js';
import { CloudWatchMetricReader } from '../../../services/orchestrator/adapters/cloudwatch-metrics.js';
import { activeState, markers } from '../../../shared/orchestrator/greenfield.js';

const here = path.dirname(fileURLToPath(import.meta.url));
let moto: Moto;

before(async () => {
  moto = await startMoto();
});
after(async () => {
  await moto?.stop();
});

test('an orchestrator killed between claim and release loses no task and duplicates none', async () => {
  const tables = await moto.createTaskTables('kill');
  const wiring = await wire(moto, 'kill');
  const store = new DynamoTaskStore(moto.clients().doc, tables);
  const { task_ids } = await new TaskDispatcher({ store }).dispatch(
    Array.from({ length: 10 }, (_, i) => ({
      type: 'sync_workflow' as const,
      event: { workflow_id: `wf_${i}-1.0` },
      parent: { root_id: 'r', hop: 0 },
    })),
  );
  const override = {
    labourers: {
      'log-syncer': { max_simultaneous_invocations: 10, max_duration_s: 2, cooldown_s: 0 },
      'data-collectors': { max_simultaneous_invocations: 0 },
      'deployment-manager': { max_simultaneous_invocations: 0 },
      migrator: { max_simultaneous_invocations: 0 },
    },
    retry: { base_delay_s: 0.2, max_delay_s: 1, jitter: 0 },
    lease_s: 2,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'fixtures', 'orchestrator-child.ts')], {
    env: {
      ...process.env,
      ...moto.env,
      CARIBOU_TASKS_TABLE: tables.tasks,
      CARIBOU_CLOSED_TASKS_TABLE: tables.closed!,
      CARIBOU_RETRY_TASKS_TABLE: tables.retry!,
      CARIBOU_EVENT_BUS_NAME: wiring.busName,
      CARIBOU_ORCHESTRATOR_CONFIG: JSON.stringify(override),
      CHILD_CLAIM_PAUSE_MS: '300',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const claimed: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += String(d)));
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  child.stdout.on('data', (d) => {
    for (const line of String(d).split('\n')) {
      const match = /^claimed (\w+)$/.exec(line);
      if (match) {
        claimed.push(match[1]!);
        if (claimed.length === 2) child.kill('SIGKILL');
      }
    }
  });
  assert.equal(await exited, 'SIGKILL', `the child should be killed mid-run (stderr: ${stderr.slice(-1000)})`);
  assert.ok(claimed.length >= 2);

  // Right after the kill: some tasks claimed (claims run 8 at a time) but none released, the rest queued.
  const config = testConfig({ max_simultaneous_invocations: 10, max_duration_s: 2, cooldown_s: 0 }, { retry: override.retry, lease_s: 2 });
  const m = markers(Date.now() / 1000, config.labourers['log-syncer']!, config.greenfield_invocation_delta_s);
  const states = (await store.activeOf('log-syncer')).map((t) => [t.task_id, activeState(t, m)] as const);
  const claimedInTable = states.filter(([, s]) => s === 'running').map(([id]) => id);
  assert.ok(
    claimed.every((id) => claimedInTable.includes(id)),
    'every printed claim is in the table',
  );
  assert.ok(claimedInTable.length >= 2 && claimedInTable.length < 10, `${claimedInTable.length} claimed before the kill`);
  assert.equal(states.filter(([, s]) => s === 'queued').length, 10 - claimedInTable.length);
  const depth = await moto
    .clients()
    .sqs.send(new GetQueueAttributesCommand({ QueueUrl: wiring.labourerQueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
  assert.equal(depth.Attributes?.ApproximateNumberOfMessages, '0', 'nothing was released before the kill');

  const driver = new OrchestratorDriver(
    moto,
    wiring,
    { config, store, metrics: new CloudWatchMetricReader(moto.clients().cloudwatch), now: () => Date.now() / 1000, log: new MemoryLog() },
    250,
  );
  const labourer = new TestLabourer(moto, wiring, tables, { workMs: 5 });
  driver.start();
  labourer.start();
  try {
    await until(async () => (await store.countClosed('log-syncer', 'completed')) === 10, 180_000, 'all 10 tasks archived');
  } finally {
    await labourer.stop();
    await driver.stop();
  }
  assert.deepEqual([...labourer.effects.keys()].sort(), [...task_ids].sort());
  assert.ok(
    [...labourer.executions.values()].every((n) => n === 1),
    'each task was delivered exactly once',
  );
  for (const id of task_ids) {
    const closed = await store.getClosed(id);
    assert.equal(closed?.outcome, 'completed');
    assert.equal(closed?.attempts, claimedInTable.includes(id) ? 2 : 1, `attempts of ${id}`);
  }
  assert.equal((await store.activeOf('log-syncer')).length, 0);
  assert.equal((await store.retryOf('log-syncer')).length, 0);
});
