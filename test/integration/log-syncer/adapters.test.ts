// The log syncer's adapters on the AWS APIs of the emulator: FilterLogEvents paging over a window
// (two regions' log groups), throttling retried, the summary store's conditional transaction, and a
// whole sync of simulated map_reduce runs whose mappers ran in a second region.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readFileSync } from 'node:fs';
import { createTables, startEmulator, type Emulator } from '../harness/emulator.js';
import { CloudWatchLogSource } from '../../../services/log-syncer/adapters/cloudwatch-logs.js';
import { DynamoSummaryStore } from '../../../services/log-syncer/adapters/summary-store.js';
import { logGroupsOf } from '../../../services/log-syncer/adapters/workflows.js';
import { VersionConflictError } from '../../../services/log-syncer/core/ports.js';
import { dagView } from '../../../services/log-syncer/core/reconstruct.js';
import { emptyState } from '../../../services/log-syncer/core/state.js';
import { syncWorkflow } from '../../../services/log-syncer/core/sync.js';
import { DEFAULT_SIZE_POLICY } from '../../../services/log-syncer/core/merge.js';
import { emptySummary } from '../../../shared/stores/workflow-summary-codec.js';
import { seeded, simulateRun, type SimulatedEvent } from '../../../bench/log-syncer/simulate.js';
import type { WorkflowDag } from '../../../shared/analysis/dag.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';

let emulator: Emulator;
let table: string;
let doc: DynamoDBDocumentClient;
const logs = (region: string) => new CloudWatchLogsClient({ region });
const { dag } = JSON.parse(readFileSync(new URL('../../fixtures/log-syncer/map_reduce-dag.json', import.meta.url), 'utf8')) as {
  dag: WorkflowDag;
};
const T0 = Date.now() - 3_600_000;

before(async () => {
  emulator = await startEmulator();
  Object.assign(process.env, emulator.env);
  table = (await createTables('ls-adapters', 'us-east-1', ['workflow-summaries']))['workflow-summaries'];
  doc = DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
});
after(async () => emulator?.stop());

async function putEvents(events: SimulatedEvent[]): Promise<void> {
  const byGroup = new Map<string, SimulatedEvent[]>();
  for (const e of events) (byGroup.get(e.group) ?? byGroup.set(e.group, []).get(e.group)!).push(e);
  for (const [key, list] of byGroup) {
    const [region, group] = key.split('|') as [string, string];
    const client = logs(region);
    await client.send(new CreateLogGroupCommand({ logGroupName: group })).catch(() => undefined);
    await client.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: 's1' })).catch(() => undefined);
    list.sort((a, b) => a.timestampMs - b.timestampMs);
    for (let i = 0; i < list.length; i += 5000) {
      await client.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: 's1',
          logEvents: list.slice(i, i + 5000).map((e) => ({ timestamp: e.timestampMs, message: e.message })),
        }),
      );
    }
  }
}

test('FilterLogEvents: pages over [start, end), a missing group is empty, throttling is retried', async () => {
  const group = '/aws/lambda/paging-test_aws-us-east-1';
  await putEvents(
    Array.from({ length: 250 }, (_, i) => ({ group: `us-east-1|${group}`, timestampMs: T0 + i * 1000, message: `line ${i}` })),
  );
  const source = new CloudWatchLogSource({ client: logs, attempts: 3, pageEvents: 40 });
  const ref = { key: `us-east-1|${group}`, region: 'us-east-1', logGroupName: group };
  const seen: string[] = [];
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await source.page(ref, T0 + 10_000, T0 + 200_000, token);
    pages++;
    seen.push(...page.events.filter((e) => e.timestampMs >= T0 + 10_000 && e.timestampMs < T0 + 200_000).map((e) => e.message));
    token = page.nextToken;
  } while (token);
  assert.equal(new Set(seen).size, 190);
  assert.equal(seen[0], 'line 10');
  assert.ok(pages >= 5, `pages ${pages}`);
  assert.deepEqual(
    await source.page({ key: 'x', region: 'us-east-1', logGroupName: '/aws/lambda/never-invoked_aws-us-east-1' }, T0, T0 + 1000),
    { events: [] },
  );

  let failures = 2;
  const sleeps: number[] = [];
  const throttled = new CloudWatchLogSource({
    client: (region) => {
      const real = logs(region);
      return {
        send: async (command: never) => {
          if (failures-- > 0) throw Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
          return real.send(command);
        },
      } as unknown as CloudWatchLogsClient;
    },
    attempts: 4,
    sleep: async (ms) => void sleeps.push(ms),
  });
  const page = await throttled.page(ref, T0, T0 + 5_000);
  assert.equal(page.events.length, 5);
  assert.equal(sleeps.length, 2);
});

test('summary store: one transaction conditional on the previous version', async () => {
  const store = new DynamoSummaryStore(doc, table);
  const loaded = await store.load('wf-0.0.1');
  assert.equal(loaded.summary.version, 0);
  const next = { summary: { ...emptySummary('wf-0.0.1'), version: 1, totalRuns: 3 }, state: emptyState() };
  await store.save(next, 0);
  await assert.rejects(store.save({ ...next, summary: { ...next.summary, totalRuns: 99 } }, 0), VersionConflictError);
  await store.save({ summary: { ...next.summary, version: 2, totalRuns: 4 }, state: emptyState() }, 1);
  await assert.rejects(store.save({ summary: { ...next.summary, version: 2 }, state: emptyState() }, 1), VersionConflictError);
  assert.equal((await store.load('wf-0.0.1')).summary.totalRuns, 4);
});

test('a whole sync through the adapters: runs whose mappers ran in eu-west-1 are rebuilt across both regions', async () => {
  const events: SimulatedEvent[] = [];
  for (let i = 0; i < 12; i++) {
    events.push(
      ...simulateRun(dag, {
        runId: `b${i.toString(16).padStart(31, '0')}`,
        startMs: T0 + 600_000 + i * 3000,
        random: seeded(i),
        regionOf: (inst) => (inst.includes('-mapper:') ? 'aws:eu-west-1' : 'aws:us-east-1'),
        taken: (e) => !/entry_point:0#[345]$/.test(e),
        lambdaPrefix: true,
      }),
    );
  }
  await putEvents(events);
  const record = {
    deployed_regions: Object.fromEntries(
      [...new Set(Object.values(dag.instances).map((i) => i.function_name))].map((fn) => [
        fn,
        Object.fromEntries(
          ['aws:us-east-1', 'aws:eu-west-1'].map((r) => [r, { function_name: `${dag.workflow_name}-0_0_1-${fn}_${r.replace(':', '-')}` }]),
        ),
      ]),
    ),
  } as unknown as WorkflowRecord;
  const groups = logGroupsOf(record);
  assert.equal(groups.length, 10);
  const source = new CloudWatchLogSource({ client: logs, attempts: 3, pageEvents: 100 });
  const store = new DynamoSummaryStore(doc, table);
  const deps = {
    logs: source,
    store,
    followUp: { request: async () => undefined },
    clock: { nowMs: () => Date.now(), remainingMs: () => 600_000 },
    settings: {
      graceMs: 1000,
      horizonMs: 86_400_000,
      pendingTimeoutMs: 3_600_000,
      minIntervalMs: 0,
      safetyMarginMs: 1000,
      maxPendingRuns: 300,
      size: DEFAULT_SIZE_POLICY,
    },
  };
  const workflow = { workflowId: dag.workflow_id, groups, dag: dagView(dag) };
  const result = await syncWorkflow(workflow, deps);
  assert.equal(result.runsAdded, 12);
  const again = await syncWorkflow(workflow, deps);
  assert.equal(again.runsAdded, 0);
  const { summary } = await store.load(dag.workflow_id);
  assert.equal(summary.totalRuns, 12);
  for (const run of summary.runs) {
    const cross = run.edges.filter((e) => e.invoked && e.fromRegion !== e.toRegion);
    assert.equal(cross.length, 6, 'entry → 3 mappers and 3 mappers → shuffler cross regions');
    assert.ok(run.instances.some((i) => i.region === 'aws:eu-west-1'));
    assert.equal(run.succeeded, true);
  }
});
