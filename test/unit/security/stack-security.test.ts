// Security and operations properties of the synthesized stack and of what the deployer attaches to
// workflow roles: current runtime, grants scoped to the stack prefix, guarded IAM actions, the
// workflow permissions boundary, alarms, tags, lifecycle, tracing, remote state.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL, GUARDED_ACTIONS, SERVICES, names } from '../../../shared/manifest/services.js';
import { LAMBDA_NODE_MAJOR } from '../../../shared/aws/lambda-runtime.js';
import { NODE_RUNTIME, runtimePolicy } from '../../../shared/workflows/resources.js';
import {
  boundaryProblems,
  isWithinBoundaryAction,
  workflowBoundaryArn,
  workflowBoundaryPolicy,
} from '../../../shared/workflows/boundary.js';
import { loadWorkflowConfig } from '../../../shared/analysis/config.js';
import type { WorkflowDeps } from '../../../shared/workflows/env.js';
import { synthToTemp, type Resources } from '../terraform/synth-helper.js';

type Statement = { Sid: string; Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string | string[]>> };

const PREFIX = 'cbsec';
let synth: Awaited<ReturnType<typeof synthToTemp>>;
let r: Resources;
before(async () => {
  synth = await synthToTemp(PREFIX, 'eu-west-1');
  r = synth.resources;
});
after(() => synth.cleanup());

const ref = (type: string, id: string, attr: string) => `\${${type}.${id}.${attr}}`;
const statementsOf = (id: string) => (JSON.parse(String(r.aws_iam_role_policy?.[id]?.policy)) as { Statement: Statement[] }).Statement;
const allStatements = () => Object.keys(r.aws_iam_role_policy ?? {}).flatMap((id) => statementsOf(id).map((s) => ({ policy: id, ...s })));
const runtimeMajor = (runtime: string) => Number(/^nodejs(\d+)\.x$/.exec(runtime)?.[1] ?? 0);

test('every function, control plane and workflow, runs nodejs22.x or newer', () => {
  const fns = Object.values(r.aws_lambda_function ?? {});
  assert.equal(fns.length, SERVICES.length);
  for (const fn of fns) assert.ok(runtimeMajor(String(fn.runtime)) >= 22, `${fn.function_name}: ${fn.runtime}`);
  assert.ok(runtimeMajor(NODE_RUNTIME) >= 22, `workflow functions: ${NODE_RUNTIME}`);
  assert.ok(LAMBDA_NODE_MAJOR >= 22);
});

test('no data-plane grant reaches outside the stack prefix', () => {
  const ownPattern = new RegExp(`[:/]${PREFIX}_`);
  for (const s of allStatements()) {
    for (const resource of s.Resource) {
      if (resource.startsWith('${') || !resource.includes('*')) continue; // the stack's own resources
      if (resource === '*') {
        assert.ok(
          s.Action.every((a) => ACTIONS_WITHOUT_RESOURCE_LEVEL.has(a)),
          `${s.policy} ${s.Sid}: "*" for ${s.Action.join(',')}`,
        );
        if (s.Action.includes('lambda:CreateEventSourceMapping')) {
          assert.match(
            String(s.Condition?.ArnLike?.['lambda:FunctionArn']),
            ownPattern,
            `${s.policy} ${s.Sid}: mappings only for the stack's functions`,
          );
        }
        continue;
      }
      if (resource.endsWith(':event-source-mapping:*')) {
        assert.match(
          String(s.Condition?.ArnLike?.['lambda:FunctionArn']),
          ownPattern,
          `${s.policy} ${s.Sid}: mappings only for the stack's functions`,
        );
        continue;
      }
      assert.match(resource, ownPattern, `${s.policy} ${s.Sid}: ${resource} is not scoped to ${PREFIX}_`);
      assert.doesNotMatch(resource, /[:/]\*_aws-/, `${s.policy} ${s.Sid}: account-wide pattern ${resource}`);
    }
  }
  // The prefix carries no "_": another stack whose prefix starts the same is not matched.
  const pattern = new RegExp(`^${`arn:aws:sqs:*:1:${PREFIX}_*`.replace(/[.*+?^${}()|[\]\\]/g, (c) => (c === '*' ? '.*' : `\\${c}`))}$`);
  assert.ok(pattern.test(`arn:aws:sqs:eu-west-1:1:${PREFIX}_wf-1-f_aws-eu-west-1`));
  assert.ok(!pattern.test(`arn:aws:sqs:eu-west-1:1:${PREFIX}-x_wf-1-f_aws-eu-west-1`));
  assert.ok(!pattern.test(`arn:aws:sqs:eu-west-1:1:${names.queue(PREFIX, 'migrator')}`), 'nor the control plane itself');
});

test("PassRole only to Lambda; roles created and given policies only with the stack's boundary", () => {
  const boundary = ref('aws_iam_policy', 'workflow-boundary', 'arn');
  let passRole = 0;
  let createRole = 0;
  for (const s of allStatements()) {
    if (s.Action.includes('iam:PassRole')) {
      passRole++;
      assert.equal(s.Condition?.StringEquals?.['iam:PassedToService'], 'lambda.amazonaws.com', `${s.policy} ${s.Sid}`);
    }
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy']) {
      if (!s.Action.includes(action)) continue;
      createRole++;
      assert.equal(s.Condition?.StringEquals?.['iam:PermissionsBoundary'], boundary, `${s.policy} ${s.Sid} ${action}`);
    }
    for (const action of s.Action) {
      assert.ok(
        ![
          'iam:DeleteRolePermissionsBoundary',
          'iam:PutRolePermissionsBoundary',
          'iam:CreatePolicyVersion',
          'iam:SetDefaultPolicyVersion',
        ].includes(action),
        `${s.policy}: ${action}`,
      );
    }
  }
  assert.ok(passRole > 0 && createRole > 0, 'the migrator creates and passes roles');
  assert.deepEqual(Object.keys(GUARDED_ACTIONS).sort(), ['iam:AttachRolePolicy', 'iam:CreateRole', 'iam:PassRole', 'iam:PutRolePolicy']);
  // The functions learn the boundary's ARN from the stack.
  for (const fn of Object.values(r.aws_lambda_function ?? {})) {
    assert.equal((fn.environment as { variables: Record<string, string> }).variables.CARIBOU_WORKFLOW_BOUNDARY_ARN, boundary);
  }
});

test("the workflow boundary allows only the stack's workflow resources", () => {
  const policy = r.aws_iam_policy?.['workflow-boundary'];
  assert.equal(policy?.name, `${PREFIX}-workflow-boundary`);
  const doc = JSON.parse(String(policy?.policy)) as { Statement: Statement[] };
  for (const s of doc.Statement) {
    for (const action of s.Action) assert.ok(!action.includes('*') && !action.startsWith('iam:') && !action.startsWith('lambda:'), action);
    for (const resource of s.Resource) {
      if (resource === '*')
        assert.ok(
          s.Action.every((a) => a.startsWith('xray:')),
          'only X-Ray has no resource-level permissions',
        );
      else
        assert.ok(
          resource.includes(`${PREFIX}_`) || resource.includes(`${PREFIX}-placements`) || resource.includes(`${PREFIX}-artifacts-`),
          resource,
        );
    }
  }
});

test('the runtime policy of a workflow role is built from its needs and stays within the boundary', () => {
  const deps = {
    controlPlane: {
      stackPrefix: PREFIX,
      workflowsTable: `${PREFIX}-workflows`,
      placementsTable: `${PREFIX}-placements`,
      artifactsBucket: `${PREFIX}-artifacts-123456789012-eu-west-1`,
      workflowBoundaryArn: workflowBoundaryArn('123456789012', PREFIX),
    },
  } as unknown as WorkflowDeps;
  const input = {
    names: { workflowName: 'wf', workflowVersion: '1.0', workflowId: 'wf-1.0' },
    fn: { name: 'first' },
    regionKey: 'aws:eu-west-1',
    syncTable: { name: `${PREFIX}_sync-wf-1_0`, region: 'eu-west-1' },
    workflowFunctions: ['first', 'second'],
  } as unknown as Parameters<typeof runtimePolicy>[0];
  const doc = runtimePolicy(input, `arn:aws:sqs:eu-west-1:123456789012:${PREFIX}_wf-1_0-first_aws-eu-west-1`, deps);
  for (const s of doc.Statement) {
    for (const action of s.Action) assert.ok(isWithinBoundaryAction(action), action);
    for (const resource of s.Resource) assert.ok(!resource.includes(':*:*:') && resource !== '*', resource);
  }
  const send = doc.Statement.find((s) => s.Action.includes('sqs:SendMessage'))!;
  assert.deepEqual(send.Resource, [
    `arn:aws:sqs:*:123456789012:${PREFIX}_wf-1_0-first_aws-*`,
    `arn:aws:sqs:*:123456789012:${PREFIX}_wf-1_0-second_aws-*`,
  ]);
});

test('workflow policies are checked against the boundary before use', () => {
  for (const example of ['small_sync_example', 'image_processing', 'map_reduce', 'text_2_speech_censoring']) {
    assert.deepEqual(boundaryProblems(loadWorkflowConfig(`examples/${example}`).iamPolicy), [], example);
  }
  const statement = (extra: Record<string, unknown>) => ({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Resource: '*', ...extra }],
  });
  assert.match(boundaryProblems(statement({ Action: 'iam:CreateRole' })).join(), /iam:CreateRole is outside/);
  assert.match(boundaryProblems(statement({ Action: ['s3:*'] })).join(), /s3:\* is outside/);
  assert.match(boundaryProblems(statement({ NotAction: 'iam:*' })).join(), /NotAction/);
  assert.deepEqual(boundaryProblems(statement({ Effect: 'Deny', Action: 'iam:*' })), []);
  assert.deepEqual(boundaryProblems({}), ['the policy has no Statement']);
  const boundary = workflowBoundaryPolicy({ account: '1', stackPrefix: PREFIX, artifactsBucket: 'b', placementsTable: 'p' });
  for (const s of boundary.Statement) for (const action of s.Action) assert.ok(isWithinBoundaryAction(action));
});

test("an alarm on every DLQ (messages visible > 0) and on every function's error rate, to the alarm topic", () => {
  const topic = ref('aws_sns_topic', 'alarms', 'arn');
  for (const service of SERVICES) {
    const dlq = r.aws_cloudwatch_metric_alarm?.[`alarm-dlq-${service.id}`];
    assert.ok(dlq, service.id);
    assert.equal(dlq.metric_name, 'ApproximateNumberOfMessagesVisible');
    assert.equal(dlq.namespace, 'AWS/SQS');
    assert.deepEqual(dlq.dimensions, { QueueName: names.dlq(PREFIX, service.id) });
    assert.equal(dlq.comparison_operator, 'GreaterThanThreshold');
    assert.equal(dlq.threshold, 0);
    assert.deepEqual(dlq.alarm_actions, [topic]);
    const errors = r.aws_cloudwatch_metric_alarm?.[`alarm-errors-${service.id}`];
    assert.ok(errors, service.id);
    const queries = errors.metric_query as Array<{ id: string; expression?: string; metric?: { dimensions: Record<string, string> } }>;
    assert.match(String(queries.find((q) => q.id === 'rate')?.expression), /errors \/ MAX\(\[errors, invocations\]\)/);
    assert.equal(queries.find((q) => q.id === 'errors')?.metric?.dimensions.FunctionName, names.function(PREFIX, service.id));
    assert.deepEqual(errors.alarm_actions, [topic]);
  }
  const subscription = r.aws_sns_topic_subscription?.['alarms-email'];
  assert.equal(subscription?.count, '${min(length(var.alarm_email), 1)}', 'subscribed only when alarm_email is set');
});

test('tags: the stack on every resource (provider default_tags), the service on each resource', () => {
  const provider = (synth.json.provider as { aws: Array<{ default_tags: Array<{ tags: Record<string, string> }> }> }).aws[0]!;
  assert.equal(provider.default_tags[0]!.tags['caribou:stack'], PREFIX);
  const taggable = [
    'aws_lambda_function',
    'aws_sqs_queue',
    'aws_iam_role',
    'aws_cloudwatch_log_group',
    'aws_dynamodb_table',
    'aws_cloudwatch_metric_alarm',
    'aws_cloudwatch_event_rule',
    'aws_s3_bucket',
    'aws_cloudwatch_event_bus',
    'aws_iam_policy',
    'aws_sns_topic',
  ];
  for (const type of taggable) {
    for (const [id, resource] of Object.entries(r[type] ?? {})) {
      assert.ok((resource.tags as Record<string, string> | undefined)?.['caribou:service'], `${type}.${id} has caribou:service`);
    }
  }
  assert.equal((r.aws_lambda_function?.['function-migrator']?.tags as Record<string, string>)['caribou:service'], 'migrator');
});

test('run payloads expire, tracing is a variable, log groups keep a retention', () => {
  const lifecycle = r.aws_s3_bucket_lifecycle_configuration?.['artifacts-lifecycle'];
  const rule = (lifecycle?.rule as Array<{ filter: Array<{ prefix: string }>; expiration: Array<{ days: string }>; status: string }>)[0]!;
  assert.equal(rule.filter[0]!.prefix, 'payloads/');
  assert.equal(rule.status, 'Enabled');
  assert.equal(rule.expiration[0]!.days, '${var.payload_retention_days}');
  for (const fn of Object.values(r.aws_lambda_function ?? {})) assert.deepEqual(fn.tracing_config, { mode: '${var.tracing_mode}' });
  const variables = synth.json.variable as Record<string, { default: unknown }>;
  assert.equal(variables.tracing_mode?.default, 'PassThrough');
  assert.equal(variables.alarm_email?.default, '');
});

test('S3 remote state when configured', async () => {
  const remote = await synthToTemp('cbstate', 'eu-west-1', {
    remoteState: { bucket: 'tf-state', key: 'caribou/cbstate.tfstate', region: 'eu-west-1', lockTable: 'tf-locks' },
  });
  try {
    const backend = (remote.json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3;
    assert.deepEqual(
      {
        bucket: backend.bucket,
        key: backend.key,
        region: backend.region,
        encrypt: backend.encrypt,
        dynamodb_table: backend.dynamodb_table,
      },
      { bucket: 'tf-state', key: 'caribou/cbstate.tfstate', region: 'eu-west-1', encrypt: true, dynamodb_table: 'tf-locks' },
    );
  } finally {
    remote.cleanup();
  }
  const noLockTable = await synthToTemp('cbstate', 'eu-west-1', { remoteState: { bucket: 'tf-state', key: 'k', region: 'eu-west-1' } });
  try {
    assert.equal((noLockTable.json.terraform as { backend: { s3: Record<string, unknown> } }).backend.s3.use_lockfile, true);
  } finally {
    noLockTable.cleanup();
  }
});
