// A run follows its placement in local mode: after the migrator-like step below deploys
// syncFunction to us-west-2 and writes a plan for every hour, the run's syncFunction executes
// there while the other functions stay home; remove then cleans both regions.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { startWorkflowSuite, resourcesOf, NO_RESOURCES, type WorkflowSuite } from './local.js';
import { clients } from '../../../shared/aws/clients.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { deployWorkflow, runtimeEnvironment } from '../../../shared/workflows/deploy.js';
import { deployFunctionRegion } from '../../../shared/workflows/resources.js';
import { readPlacement, writePlacement } from '../../../shared/workflows/placement-store.js';
import { removeWorkflow } from '../../../shared/workflows/remove.js';
import { runWorkflow } from '../../../shared/workflows/run.js';
import { followRun } from '../../../shared/workflows/follow.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';

let suite: WorkflowSuite;
before(async () => {
  suite = await startWorkflowSuite('wf-placement');
});
after(async () => suite?.local.stop());

const ID = 'small_sync_example-0.0.1';
const SYNC = 'small_sync_example-0_0_1-syncFunction:sync:1';

test("the successor runs in the region the plan chose for the run's hour", async () => {
  await deployWorkflow(analyzeProject('examples/small_sync_example'), suite.deps);
  const doc = clients.doc('us-east-1');
  const record = (await doc.send(new GetCommand({ TableName: suite.deps.controlPlane.workflowsTable, Key: { workflow_id: ID } })))
    .Item as WorkflowRecord;
  const artifact = record.artifacts.syncFunction!;
  const object = await clients.s3('us-east-1').send(new GetObjectCommand({ Bucket: artifact.bucket, Key: artifact.key }));
  const zip = await object.Body!.transformToByteArray();
  const resources = await deployFunctionRegion(
    {
      names: { workflowName: record.workflow_name, workflowVersion: record.workflow_version, workflowId: ID },
      fn: record.function_descriptions.find((f) => f.name === 'syncFunction')!,
      regionKey: 'aws:us-west-2',
      zip,
      workflowPolicy: record.iam_policy,
      runtimeEnv: runtimeEnvironment(record, suite.deps),
      syncTable: { name: record.sync_tables['aws:us-east-1']!, region: 'us-east-1' },
    },
    suite.deps,
    [],
  );
  const wpd = await readPlacement(doc, suite.deps.controlPlane.placementsTable, ID);
  wpd.endpoints.syncFunction!['aws:us-west-2'] = { queue_url: resources.queue_url, function_arn: resources.function_arn };
  const hours = Object.fromEntries(Array.from({ length: 24 }, (_, h) => [String(h), { [SYNC]: 'aws:us-west-2' }]));
  wpd.current_deployment = {
    expiry_time: new Date(Date.now() + 3_600_000).toISOString(),
    time_keys: Array.from({ length: 24 }, (_, h) => h),
    hours,
  };
  wpd.home_run_ratio = 0;
  await writePlacement(doc, suite.deps.controlPlane.placementsTable, wpd);

  const started = new Date();
  const { runId } = await runWorkflow({ workflowId: ID, argument: '{}' }, suite.deps);
  const report = await followRun(ID, runId, started, { timeoutS: 90, pollMs: 500 }, suite.deps);
  assert.equal(report.status, 'succeeded', JSON.stringify(report));
  const regions = Object.fromEntries(report.instances.map((i) => [i.function, i.region]));
  assert.deepEqual(regions, { initial_function: 'aws:us-east-1', syncFunction: 'aws:us-west-2', secondSyncFunction: 'aws:us-east-1' });

  await removeWorkflow({ workflowId: ID }, suite.deps);
  assert.deepEqual(await resourcesOf('small_sync_example', ID, suite.deps, 'us-west-2'), NO_RESOURCES);
  assert.deepEqual(await resourcesOf('small_sync_example', ID, suite.deps), NO_RESOURCES);
});
