// The orchestrator deployed in local mode (the stack's orchestrator Lambda, its queue, schedule and
// the bus), with a test labourer deployed through the Lambda API and fed by its own rule and queue:
// a fan-out of tasks completes within the labourer's limit although every first attempt crashes,
// each task does its work exactly once, and `caribou tasks` shows the history.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { zipSync } from 'fflate';
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  ListEventSourceMappingsCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  ListTargetsByRuleCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { eventually, functionLogs, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { names } from '../../../shared/manifest/services.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';
import { INTERNAL_EVENT_SOURCE, internalDetailType } from '../../../shared/contracts/internal.js';
import { DynamoTaskStore } from '../../../shared/orchestrator/task-store.js';
import { SqsNudger, TaskDispatcher } from '../../../shared/orchestrator/dispatcher.js';
import { ORCHESTRATOR_CONFIG_ENV } from '../../../shared/orchestrator/config.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../../..');
const TASKS = 12;
const LIMIT = 3;
const LABOURER_FN = 'caribou-orch-test-labourer';

let local: LocalModeHandle;
let lambda: LambdaClient;
let sqs: SQSClient;
let events: EventBridgeClient;
let orchestratorFn: string;
let originalOrchestratorEnv: Record<string, string> = {};
const cleanup: (() => Promise<unknown>)[] = [];

async function bundleLabourer(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [path.join(here, 'fixtures', 'test-labourer.ts')],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['@aws-sdk/*', '@smithy/*'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
  return zipSync({ 'index.mjs': result.outputFiles[0]!.contents });
}

async function setEnv(fn: string, env: Record<string, string>): Promise<void> {
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: env } }));
}

before(async () => {
  local = await startLocalMode({ withStack: true });
  await local.reset();
  lambda = new LambdaClient({});
  sqs = new SQSClient({});
  events = new EventBridgeClient({});
  const prefix = local.prefix;
  orchestratorFn = names.function(prefix, 'orchestrator');

  // Short durations so a crashed attempt expires within seconds (max duration > the labourer's timeout).
  const { [ORCHESTRATOR_CONFIG_ENV]: _left, ...stackEnv } =
    (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: orchestratorFn }))).Environment?.Variables ?? {};
  originalOrchestratorEnv = stackEnv;
  // Leftovers of an interrupted run on a reused local mode.
  for (const m of (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: LABOURER_FN }))).EventSourceMappings ?? []) {
    await lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID }));
  }
  await lambda.send(new DeleteFunctionCommand({ FunctionName: LABOURER_FN })).catch(() => undefined);
  await setEnv(orchestratorFn, {
    ...originalOrchestratorEnv,
    [ORCHESTRATOR_CONFIG_ENV]: JSON.stringify({
      labourers: { 'log-syncer': { max_simultaneous_invocations: LIMIT, max_duration_s: 12, cooldown_s: 0, max_attempts: 3 } },
      retry: { base_delay_s: 1, max_delay_s: 4, jitter: 0.5 },
    }),
  });
  cleanup.push(() => setEnv(orchestratorFn, originalOrchestratorEnv));

  // The stack's log-syncer (available) also consumes sync_workflow: detach it from its rule so only
  // the test labourer works on these tasks (their workflows do not exist), and re-attach it after.
  const syncerRule = names.rule(prefix, 'log-syncer', 'sync-workflow');
  const syncerTargets =
    (await events.send(new ListTargetsByRuleCommand({ Rule: syncerRule, EventBusName: names.bus(prefix) }))).Targets ?? [];
  if (syncerTargets.length > 0) {
    await events.send(
      new RemoveTargetsCommand({ Rule: syncerRule, EventBusName: names.bus(prefix), Ids: syncerTargets.map((t) => t.Id!) }),
    );
    cleanup.push(() => events.send(new PutTargetsCommand({ Rule: syncerRule, EventBusName: names.bus(prefix), Targets: syncerTargets })));
  }

  // The test labourer: its own queue, a rule for sync_workflow from the orchestrator, a mapping.
  const queueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: LABOURER_FN, Attributes: { VisibilityTimeout: '600' } }))).QueueUrl!;
  cleanup.push(() => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl })));
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const bus = names.bus(prefix);
  await events.send(
    new PutRuleCommand({
      Name: LABOURER_FN,
      EventBusName: bus,
      EventPattern: JSON.stringify({ source: [INTERNAL_EVENT_SOURCE], 'detail-type': [internalDetailType('sync_workflow')] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: LABOURER_FN, EventBusName: bus, Targets: [{ Id: 'labourer', Arn: queueArn }] }));
  cleanup.push(async () => {
    await events.send(new RemoveTargetsCommand({ Rule: LABOURER_FN, EventBusName: bus, Ids: ['labourer'] }));
    await events.send(new DeleteRuleCommand({ Name: LABOURER_FN, EventBusName: bus }));
  });
  const role = await new IAMClient({}).send(new GetRoleCommand({ RoleName: names.role(prefix, 'log-syncer') }));
  const orchestratorQueueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: names.queue(prefix, 'orchestrator') }))).QueueUrl!;
  const fn = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: LABOURER_FN,
      Runtime: 'nodejs20.x',
      Role: role.Role!.Arn!,
      Handler: 'index.handler',
      Code: { ZipFile: await bundleLabourer() },
      Timeout: 10,
      MemorySize: 256,
      Environment: {
        Variables: {
          CARIBOU_TASKS_TABLE: physicalTableName(prefix, 'tasks'),
          CARIBOU_IDEMPOTENCY_TABLE: physicalTableName(prefix, 'idempotency'),
          CARIBOU_ORCHESTRATOR_QUEUE_URL: orchestratorQueueUrl,
          TEST_WORK_MS: '400',
          TEST_CRASH_FIRST_ATTEMPT: '1',
        },
      },
    }),
  );
  cleanup.push(() => lambda.send(new DeleteFunctionCommand({ FunctionName: LABOURER_FN })));
  const mapping = await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: fn.FunctionArn,
      EventSourceArn: queueArn,
      BatchSize: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    }),
  );
  cleanup.unshift(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID })));
  // Crashed attempts are found by expiry: let the minute schedule fire every 2 s.
  await local.setClock({ speed: 30 });
  cleanup.push(() => local.setClock({ speed: 1 }));
});

after(async () => {
  for (const step of cleanup) await step().catch(() => undefined);
  await local?.stop();
});

test(`${TASKS} tasks, limit ${LIMIT}, every first attempt crashes: all complete once, never more than ${LIMIT} at a time`, async () => {
  const prefix = local.prefix;
  const tables = {
    tasks: physicalTableName(prefix, 'tasks'),
    closed: physicalTableName(prefix, 'closed-tasks'),
    retry: physicalTableName(prefix, 'retry-tasks'),
  };
  const store = new DynamoTaskStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), tables);
  const orchestratorQueueUrl = (await sqs.send(new GetQueueUrlCommand({ QueueName: names.queue(prefix, 'orchestrator') }))).QueueUrl!;
  const dispatcher = new TaskDispatcher({ store, nudger: new SqsNudger(sqs, orchestratorQueueUrl) });
  const { task_ids } = await dispatcher.dispatch(
    Array.from({ length: TASKS }, (_, i) => ({
      type: 'sync_workflow' as const,
      event: { workflow_id: `wf_${i}-0.0.1` },
      parent: { root_id: 'local-test', hop: 0 },
    })),
  );

  await eventually(async () => assert.equal(await store.countClosed('log-syncer', 'completed'), TASKS), {
    timeoutMs: 240_000,
    intervalMs: 2000,
  });

  const lines = await functionLogs(LABOURER_FN);
  const spans = new Map<string, { start?: number; end?: number }>();
  const crashes = new Map<string, number>();
  const ends = new Map<string, number>();
  for (const line of lines) {
    // Lambda's console format: <time>\t<request id>\tINFO\t<message>; earlier runs' lines have other ids.
    const m = /(?:^|\t)(start|end|crash) (\w+) (\d+)$/.exec(line.trim());
    if (!m || !task_ids.includes(m[2]!)) continue;
    const [, kind, id, ms] = m as unknown as [string, string, string, string];
    if (kind === 'crash') crashes.set(id, (crashes.get(id) ?? 0) + 1);
    else {
      const span = spans.get(id) ?? {};
      span[kind as 'start' | 'end'] = Number(ms);
      spans.set(id, span);
      if (kind === 'end') ends.set(id, (ends.get(id) ?? 0) + 1);
    }
  }
  assert.deepEqual([...ends.keys()].sort(), [...task_ids].sort());
  assert.ok(
    [...ends.values()].every((n) => n === 1),
    'each task did its work exactly once',
  );
  assert.ok(
    task_ids.every((id) => (crashes.get(id) ?? 0) >= 1),
    'every task crashed on its first attempt',
  );
  // Concurrency: the most work spans open at once (the runtime would allow 4 workers).
  const edges = [...spans.values()]
    .flatMap((s) => [[s.start!, 1] as const, [s.end!, -1] as const])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let maxOpen = 0;
  for (const [, delta] of edges) maxOpen = Math.max(maxOpen, (open += delta));
  assert.ok(maxOpen <= LIMIT, `${maxOpen} tasks ran at once`);
  for (const id of task_ids) assert.equal((await store.getClosed(id))?.attempts, 2);

  // The operator's view, through the real command line.
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', path.join(repo, 'cli/main.ts'), 'tasks', '--labourer', 'log-syncer'],
    {
      env: process.env,
      cwd: repo,
    },
  );
  const row = stdout.split('\n').find((l) => l.trim().startsWith('log-syncer'));
  assert.deepEqual(row?.trim().split(/\s+/), ['log-syncer', '0', '0', String(TASKS), '0', '0', '0', '0'], stdout);
});
