// The deployer's and remover's AWS calls against a plain moto server: what deploy creates, that a
// second deploy of the same version is refused, that a failed deploy rolls back everything, and
// that remove leaves no resource behind (checked through the AWS APIs) and can be re-run.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ListFunctionsCommand,
  ListEventSourceMappingsCommand,
  GetFunctionConfigurationCommand,
  ListTagsCommand,
} from '@aws-sdk/client-lambda';
import { ListQueuesCommand, GetQueueAttributesCommand, ListQueueTagsCommand } from '@aws-sdk/client-sqs';
import { ListRolesCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startMoto, createControlPlane, type Moto } from './moto.js';
import { clients } from '../../../shared/aws/clients.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { deployWorkflow } from '../../../shared/workflows/deploy.js';
import { removeWorkflow } from '../../../shared/workflows/remove.js';
import { runWorkflow } from '../../../shared/workflows/run.js';
import { controlPlaneFromEnv, type WorkflowDeps } from '../../../shared/workflows/env.js';
import { readPlacement, writePlacement } from '../../../shared/workflows/placement-store.js';
import { deployFunctionRegion } from '../../../shared/workflows/resources.js';
import { runtimeEnvironment } from '../../../shared/workflows/deploy.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { LAMBDA_NODE_RUNTIME } from '../../../shared/aws/lambda-runtime.js';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { physicalName } from '../../../shared/analysis/names.js';

let moto: Moto;
let deps: WorkflowDeps;
const lines: string[] = [];

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
  Object.assign(process.env, await createControlPlane('caribou-test'));
  deps = {
    controlPlane: controlPlaneFromEnv(),
    clients,
    now: () => new Date(),
    progress: (l) => lines.push(l),
    sleep: async () => undefined,
  };
});
after(async () => {
  await moto?.stop();
});

async function leftovers(workflowName: string, region = 'us-east-1') {
  // Data-plane names start with the stack's `<prefix>_` (here caribou-test_).
  const prefix = `${deps.controlPlane.stackPrefix}_${workflowName}`;
  const functions = ((await clients.lambda(region).send(new ListFunctionsCommand({}))).Functions ?? [])
    .map((f) => f.FunctionName!)
    .filter((n) => n.startsWith(prefix));
  const queues = (await clients.sqs(region).send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? [];
  const roles = ((await clients.iam(region).send(new ListRolesCommand({}))).Roles ?? [])
    .map((r) => r.RoleName!)
    .filter((n) => n.startsWith(prefix));
  const tables = ((await clients.dynamo(region).send(new ListTablesCommand({}))).TableNames ?? []).filter((n) =>
    n.startsWith(`${deps.controlPlane.stackPrefix}_sync-${workflowName}`),
  );
  const mappings = (await clients.lambda(region).send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? [];
  const objects = (
    (await clients.s3('us-east-1').send(new ListObjectsV2Command({ Bucket: deps.controlPlane.artifactsBucket }))).Contents ?? []
  ).map((o) => o.Key!);
  const items = ((await clients.doc('us-east-1').send(new ScanCommand({ TableName: deps.controlPlane.workflowsTable }))).Items ?? [])
    .length;
  const placements = ((await clients.doc('us-east-1').send(new ScanCommand({ TableName: deps.controlPlane.placementsTable }))).Items ?? [])
    .length;
  const logGroups = (
    (await clients.logs(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${prefix}` }))).logGroups ?? []
  ).map((g) => g.logGroupName!);
  return { functions, queues, roles, tables, logGroups, mappings: mappings.length, objects, items, placements };
}
const NOTHING = { functions: [], queues: [], roles: [], tables: [], logGroups: [], mappings: 0, objects: [], items: 0, placements: 0 };

test('deploy creates queue+DLQ, role, function and mapping per function, the sync table, record and placement', async () => {
  const project = analyzeProject('examples/small_sync_example');
  const result = await deployWorkflow(project, deps);
  assert.equal(result.workflowId, 'small_sync_example-0.0.1');
  assert.equal(result.functions.length, 3);
  for (const fn of result.functions) assert.ok(fn.codeBytes < 200_000, `${fn.name} zip is small (${fn.codeBytes} bytes)`);
  const found = await leftovers('small_sync_example');
  assert.deepEqual(
    found.functions.sort(),
    ['initial_function', 'secondSyncFunction', 'syncFunction']
      .map((fn) => physicalName('caribou-test', 'small_sync_example', '0.0.1', fn, 'us-east-1'))
      .sort(),
  );
  assert.ok(found.functions.includes('caribou-test_small_sync_example-0_0_1-syncFunction_aws-us-east-1'), 'names that fit stay readable');
  assert.equal(found.queues.length, 6, 'a queue and a DLQ per function');
  assert.equal(found.roles.length, 3);
  assert.deepEqual(found.tables, ['caribou-test_sync-small_sync_example-0_0_1']);
  assert.equal(found.logGroups.length, 3, 'a log group per function, with a retention');
  assert.equal(found.mappings, 3);
  assert.equal(found.objects.filter((k) => k.startsWith('workflows/small_sync_example-0.0.1/')).length, 3);

  const config = await clients.lambda('us-east-1').send(
    new GetFunctionConfigurationCommand({
      FunctionName: physicalName('caribou-test', 'small_sync_example', '0.0.1', 'initial_function', 'us-east-1'),
    }),
  );
  assert.equal(config.Runtime, LAMBDA_NODE_RUNTIME);
  assert.equal(config.Handler, 'index.handler');
  assert.equal(config.MemorySize, 128);
  assert.equal(config.Timeout, 60);
  assert.equal(config.Environment?.Variables?.ENV_VAR_1, 'example');
  assert.equal(config.Environment?.Variables?.CARIBOU_SYNC_TABLE, 'caribou-test_sync-small_sync_example-0_0_1');
  const mappings = (await clients.lambda('us-east-1').send(new ListEventSourceMappingsCommand({ FunctionName: config.FunctionName })))
    .EventSourceMappings!;
  assert.deepEqual(mappings[0]!.FunctionResponseTypes, ['ReportBatchItemFailures']);
  const queue = (
    await clients.sqs('us-east-1').send(
      new ListQueuesCommand({
        QueueNamePrefix: physicalName('caribou-test', 'small_sync_example', '0.0.1', 'initial_function', 'us-east-1'),
      }),
    )
  ).QueueUrls!.find((u) => !u.endsWith('-dlq'))!;
  const attrs = (await clients.sqs('us-east-1').send(new GetQueueAttributesCommand({ QueueUrl: queue, AttributeNames: ['All'] })))
    .Attributes!;
  assert.match(attrs.RedrivePolicy!, /-dlq/);
  // Every role has the stack's permissions boundary; everything carries the stack and workflow tags.
  for (const roleName of found.roles) {
    const role = (await clients.iam('us-east-1').send(new GetRoleCommand({ RoleName: roleName }))).Role!;
    assert.equal(role.PermissionsBoundary?.PermissionsBoundaryArn, process.env.CARIBOU_WORKFLOW_BOUNDARY_ARN, roleName);
    assert.ok(
      role.Tags?.some((t) => t.Key === 'caribou:stack' && t.Value === 'caribou-test'),
      roleName,
    );
  }
  const fnTags = (await clients.lambda('us-east-1').send(new ListTagsCommand({ Resource: config.FunctionArn! }))).Tags ?? {};
  assert.equal(fnTags['caribou:stack'], 'caribou-test');
  assert.equal(fnTags['caribou:workflow'], 'small_sync_example-0.0.1');
  const queueTags = (await clients.sqs('us-east-1').send(new ListQueueTagsCommand({ QueueUrl: queue }))).Tags ?? {};
  assert.equal(queueTags['caribou:stack'], 'caribou-test');
  const group = (
    await clients.logs('us-east-1').send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${config.FunctionName}` }))
  ).logGroups![0]!;
  assert.equal(group.retentionInDays, 30);

  const record = (
    await clients
      .doc('us-east-1')
      .send(new GetCommand({ TableName: deps.controlPlane.workflowsTable, Key: { workflow_id: 'small_sync_example-0.0.1' } }))
  ).Item as WorkflowRecord;
  assert.equal(record.status, 'DEPLOYED');
  assert.equal(record.workflow_name, 'small_sync_example');
  assert.equal(record.home_region, 'aws:us-east-1');
  assert.equal(record.dag.entry_instance, 'small_sync_example-0_0_1-initial_function:entry_point:0');
  assert.equal(record.function_descriptions.length, 3);
  const wpd = await readPlacement(clients.doc('us-east-1'), deps.controlPlane.placementsTable, 'small_sync_example-0.0.1');
  assert.equal(wpd.home_region, 'aws:us-east-1');
  assert.equal(Object.keys(wpd.endpoints).length, 3);
  assert.equal(wpd.current_deployment, undefined);
  assert.equal(wpd.home_run_ratio, 0.1);
});

test('a second deploy of the same version is refused and changes nothing', async () => {
  const before = await leftovers('small_sync_example');
  await assert.rejects(deployWorkflow(analyzeProject('examples/small_sync_example'), deps), /already deployed: bump the version/);
  assert.deepEqual(await leftovers('small_sync_example'), before);
});

test('run sends one entry message carrying the run context to the entry queue', async () => {
  const started = await runWorkflow({ workflowId: 'small_sync_example-0.0.1', argument: '{"execute_1": false}' }, deps);
  assert.match(started.runId, /^[0-9a-f]{32}$/);
  assert.equal(started.entryRegion, 'aws:us-east-1');
  await assert.rejects(runWorkflow({ workflowId: 'nope-0.0.1' }, deps), /not deployed/);
});

test('remove deletes every resource and entry; a re-run reports it is not deployed', async () => {
  await removeWorkflow({ workflowId: 'small_sync_example-0.0.1' }, deps);
  assert.deepEqual(await leftovers('small_sync_example'), NOTHING);
  await assert.rejects(removeWorkflow({ workflowId: 'small_sync_example-0.0.1' }, deps), /is not deployed/);
});

test('a deploy failing midway rolls back everything it created', async () => {
  const failing: typeof clients = {
    ...clients,
    lambda: (region?: string) => {
      const real = clients.lambda(region);
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver);
          return async (command: { constructor: { name: string }; input: { FunctionName?: string } }) => {
            if (
              command.constructor.name === 'CreateEventSourceMappingCommand' &&
              command.input.FunctionName ===
                physicalName('caribou-test', 'image_processing', '0.0.1', 'image_processor', region ?? 'us-east-1')
            ) {
              throw new Error('injected failure');
            }
            return (target.send as (c: unknown) => Promise<unknown>)(command);
          };
        },
      });
    },
  };
  await assert.rejects(
    deployWorkflow(analyzeProject('examples/image_processing'), { ...deps, clients: failing }),
    /injected failure.*everything it created was removed/s,
  );
  assert.deepEqual(await leftovers('image_processing'), NOTHING);
});

test('remove after a partial failure: resources found by name are deleted, the record goes last', async () => {
  await deployWorkflow(analyzeProject('examples/text_2_speech_censoring'), deps);
  let calls = 0;
  const failing: typeof clients = {
    ...clients,
    iam: (region?: string) => {
      const real = clients.iam(region);
      return new Proxy(real, {
        get(target, prop, receiver) {
          if (prop !== 'send') return Reflect.get(target, prop, receiver);
          return async (command: { constructor: { name: string } }) => {
            if (command.constructor.name === 'DeleteRoleCommand' && ++calls === 2) throw new Error('injected IAM outage');
            return (target.send as (c: unknown) => Promise<unknown>)(command);
          };
        },
      });
    },
  };
  await assert.rejects(
    removeWorkflow({ workflowId: 'text_2_speech_censoring-0.0.1' }, { ...deps, clients: failing }),
    /injected IAM outage/,
  );
  const partial = await leftovers('text_2_speech_censoring');
  assert.equal(partial.items, 1, 'the workflow record stays so remove can be re-run');
  await removeWorkflow({ workflowId: 'text_2_speech_censoring-0.0.1' }, deps);
  assert.deepEqual(await leftovers('text_2_speech_censoring'), NOTHING);
});

test('remove also deletes what the migrator deployed in another region', async () => {
  const project = analyzeProject('examples/image_processing');
  await deployWorkflow(project, deps);
  const doc = clients.doc('us-east-1');
  const record = (
    await doc.send(new GetCommand({ TableName: deps.controlPlane.workflowsTable, Key: { workflow_id: 'image_processing-0.0.1' } }))
  ).Item as WorkflowRecord;
  // What the migrator does: the same code, the same runtime environment, a new region.
  const fn = record.function_descriptions.find((f) => f.name === 'image_processor')!;
  const env = runtimeEnvironment(record, deps);
  const resources = await deployFunctionRegion(
    {
      names: { workflowName: 'image_processing', workflowVersion: '0.0.1', workflowId: 'image_processing-0.0.1' },
      fn,
      regionKey: 'aws:us-west-2',
      zip: new Uint8Array([80, 75, 5, 6, ...new Array(18).fill(0)]),
      workflowPolicy: record.iam_policy,
      runtimeEnv: env,
      syncTable: { name: record.sync_tables['aws:us-east-1']!, region: 'us-east-1' },
    },
    deps,
    [],
  );
  const wpd = await readPlacement(doc, deps.controlPlane.placementsTable, 'image_processing-0.0.1');
  wpd.endpoints.image_processor!['aws:us-west-2'] = { queue_url: resources.queue_url, function_arn: resources.function_arn };
  await writePlacement(doc, deps.controlPlane.placementsTable, wpd);
  assert.equal((await leftovers('image_processing', 'us-west-2')).functions.length, 1);
  await removeWorkflow({ workflowId: 'image_processing-0.0.1' }, deps);
  assert.deepEqual(await leftovers('image_processing', 'us-west-2'), NOTHING);
  assert.deepEqual(await leftovers('image_processing'), NOTHING);
});
