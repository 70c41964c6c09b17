// A run forced across two regions, synced by the log syncer in local mode: small_sync_example is
// deployed, its syncFunction is also deployed to us-west-2 (as the migrator would: function, queue,
// placement endpoint, the record's deployed_regions) and the placement sends it there for every
// hour. One run executes in both regions, writing its lines to log groups in both; the log syncer
// (its service with the real CloudWatch Logs and DynamoDB adapters) reads every group and the
// summary reconstructs the run: each function in its region, the edges crossing between regions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { startWorkflowSuite, resourcesOf, NO_RESOURCES, type WorkflowSuite } from '../workflows/local.js';
import { clients } from '../../../shared/aws/clients.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { deployWorkflow, runtimeEnvironment } from '../../../shared/workflows/deploy.js';
import { deployFunctionRegion } from '../../../shared/workflows/resources.js';
import { readPlacement, writePlacement } from '../../../shared/workflows/placement-store.js';
import { removeWorkflow } from '../../../shared/workflows/remove.js';
import { runWorkflow } from '../../../shared/workflows/run.js';
import { followRun } from '../../../shared/workflows/follow.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { readWorkflowSummary } from '../../../shared/stores/workflow-summaries.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';
import { logSyncer } from '../../../services/log-syncer/service.js';
import { logSyncerConfig } from '../../../services/log-syncer/config.js';
import type { InternalActionMessage } from '../../../shared/contracts/internal.js';

const PREFIX = 'ls-2regions';
const ID = 'small_sync_example-0.0.1';
const SYNC = 'small_sync_example-0_0_1-syncFunction:sync:1';
let suite: WorkflowSuite;

before(async () => {
  suite = await startWorkflowSuite(PREFIX);
});
after(async () => {
  await removeWorkflow({ workflowId: ID }, suite.deps).catch(() => undefined);
  await suite?.local.stop();
});

/** What the migrator does to add a region: deploy there, add the endpoint, record the resources. */
async function addRegion(fnName: string, regionKey: string): Promise<void> {
  const doc = clients.doc('us-east-1');
  const table = suite.deps.controlPlane.workflowsTable;
  const record = (await doc.send(new GetCommand({ TableName: table, Key: { workflow_id: ID } }))).Item as WorkflowRecord;
  const artifact = record.artifacts[fnName]!;
  const zip = await (
    await clients.s3('us-east-1').send(new GetObjectCommand({ Bucket: artifact.bucket, Key: artifact.key }))
  ).Body!.transformToByteArray();
  const resources = await deployFunctionRegion(
    {
      names: { workflowName: record.workflow_name, workflowVersion: record.workflow_version, workflowId: ID },
      fn: record.function_descriptions.find((f) => f.name === fnName)!,
      regionKey,
      zip,
      workflowPolicy: record.iam_policy,
      runtimeEnv: runtimeEnvironment(record, suite.deps),
      syncTable: { name: record.sync_tables['aws:us-east-1']!, region: 'us-east-1' },
    },
    suite.deps,
    [],
  );
  record.deployed_regions[fnName]![regionKey] = resources;
  await doc.send(new PutCommand({ TableName: table, Item: record }));
  const wpd = await readPlacement(doc, suite.deps.controlPlane.placementsTable, ID);
  wpd.endpoints[fnName]![regionKey] = { queue_url: resources.queue_url, function_arn: resources.function_arn };
  const hours = Object.fromEntries(Array.from({ length: 24 }, (_, h) => [String(h), { [SYNC]: regionKey }]));
  wpd.current_deployment = {
    expiry_time: new Date(Date.now() + 3_600_000).toISOString(),
    time_keys: Array.from({ length: 24 }, (_, h) => h),
    hours,
  };
  wpd.home_run_ratio = 0;
  await writePlacement(doc, suite.deps.controlPlane.placementsTable, wpd);
}

const task = (attempt: number): InternalActionMessage =>
  ({
    action: 'internal_action',
    type: 'sync_workflow',
    event: { workflow_id: ID },
    meta: { idempotency_key: `two-regions-${attempt}`, root_id: 'two-regions', hop: 1, task_id: `t-${attempt}`, attempt: 1 },
  }) as InternalActionMessage;

test("a run across us-east-1 and us-west-2 is reconstructed from both regions' log groups", { timeout: 240_000 }, async () => {
  await deployWorkflow(analyzeProject('examples/small_sync_example'), suite.deps);
  await addRegion('syncFunction', 'aws:us-west-2');

  const started = new Date();
  const { runId } = await runWorkflow({ workflowId: ID, argument: '{}' }, suite.deps);
  const report = await followRun(ID, runId, started, { timeoutS: 90, pollMs: 500 }, suite.deps);
  assert.equal(report.status, 'succeeded', JSON.stringify(report));
  assert.deepEqual(Object.fromEntries(report.instances.map((i) => [i.function, i.region])), {
    initial_function: 'aws:us-east-1',
    syncFunction: 'aws:us-west-2',
    secondSyncFunction: 'aws:us-east-1',
  });

  // The runtime writes an invocation's lines when it ends: 2 s of grace is enough locally.
  const config = logSyncerConfig({ ...process.env, CARIBOU_LOG_SYNC_GRACE_S: '2' });
  const sync = logSyncer(config);
  await new Promise((r) => setTimeout(r, 3000));
  const result = await sync(task(1), () => 600_000);
  assert.equal(result.status, 'synced', JSON.stringify(result));
  assert.ok('runsAdded' in result && result.runsAdded === 1, JSON.stringify(result));

  const summary = (await readWorkflowSummary(clients.doc(), physicalTableName(PREFIX, 'workflow-summaries'), ID))!;
  assert.equal(summary.totalRuns, 1);
  assert.deepEqual(summary.pendingRunIds, []);
  assert.equal(summary.lines.corrupt, 0);
  // Both regions' log groups were read (and their watermarks advanced).
  const regionsRead = [...new Set(Object.keys(summary.watermarks).map((key) => key.split('|')[0]))].sort();
  assert.deepEqual(regionsRead, ['us-east-1', 'us-west-2']);

  const run = summary.runs[0]!;
  assert.equal(run.run_id, runId);
  assert.equal(run.succeeded, true);
  assert.equal(run.entryRegion, 'aws:us-east-1');
  const regionOf = Object.fromEntries(run.instances.map((i) => [i.function, i.region]));
  assert.deepEqual(regionOf, { initial_function: 'aws:us-east-1', syncFunction: 'aws:us-west-2', secondSyncFunction: 'aws:us-east-1' });
  assert.deepEqual(run.instances.map((i) => i.instance).sort(), report.instances.map((i) => i.instance).sort());
  assert.ok(run.instances.every((i) => i.durationS > 0));
  // Transfers between regions: into the sync node (us-east-1 → us-west-2) and out of it (back).
  const taken = run.edges.filter((e) => e.invoked);
  const into = taken.filter((e) => e.to === SYNC);
  assert.ok(into.length >= 1, JSON.stringify(run.edges));
  for (const e of into) {
    assert.equal(e.fromRegion, 'aws:us-east-1');
    assert.equal(e.toRegion, 'aws:us-west-2');
    assert.ok((e.payloadBytes ?? 0) > 0);
  }
  assert.ok(
    into.some((e) => e.latencyS !== undefined),
    'the edge that fired the sync node carries its queue latency',
  );
  const out = taken.filter((e) => e.from === SYNC);
  assert.ok(out.length >= 1, JSON.stringify(run.edges));
  for (const e of out) {
    assert.equal(e.fromRegion, 'aws:us-west-2');
    assert.equal(e.toRegion, regionOf[e.to.includes('secondSyncFunction') ? 'secondSyncFunction' : 'initial_function']);
  }

  // A second sync of the same window adds nothing.
  const again = await sync(task(2), () => 600_000);
  assert.ok('runsAdded' in again && again.runsAdded === 0, JSON.stringify(again));

  await removeWorkflow({ workflowId: ID }, suite.deps);
  assert.deepEqual(await resourcesOf('small_sync_example', ID, suite.deps, 'us-west-2'), NO_RESOURCES);
  assert.deepEqual(await resourcesOf('small_sync_example', ID, suite.deps), NO_RESOURCES);
});
