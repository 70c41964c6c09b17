import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ACTIONS_WITHOUT_RESOURCE_LEVEL, SERVICES, DEFAULT_SCHEDULES } from '../../../shared/manifest/services.js';
import { TABLES } from '../../../shared/manifest/tables.js';
import { INTERNAL_ACTION_TYPES } from '../../../shared/contracts/actions.js';
import { INTERNAL_EVENT_SOURCE, internalDetailType } from '../../../shared/contracts/internal.js';
import { parseAction } from '../../../shared/contracts/validate.js';
import { synthStack } from '../../../terraform/synth.js';
import { synthToTemp, type Resources } from './synth-helper.js';
import { LAMBDA_NODE_RUNTIME } from '../../../shared/aws/lambda-runtime.js';

let synth: Awaited<ReturnType<typeof synthToTemp>>;
let r: Resources;
before(async () => {
  synth = await synthToTemp('cbtest', 'eu-west-1');
  r = synth.resources;
});
after(() => synth.cleanup());

const ref = (type: string, id: string, attr: string) => `\${${type}.${id}.${attr}}`;

test('each of the six services has a function, a queue with a DLQ and a batch-failure event source mapping', () => {
  assert.equal(SERVICES.length, 6);
  for (const service of SERVICES) {
    const fn = r.aws_lambda_function?.[`function-${service.id}`];
    assert.ok(fn, `function of ${service.id}`);
    assert.equal(fn.function_name, `cbtest-${service.id}`);
    assert.equal(fn.runtime, LAMBDA_NODE_RUNTIME);
    assert.equal(fn.memory_size, service.memoryMiB);
    const queue = r.aws_sqs_queue?.[`queue-${service.id}`];
    assert.ok(queue, `queue of ${service.id}`);
    const redrive = JSON.parse(String(queue.redrive_policy)) as { deadLetterTargetArn: string; maxReceiveCount: number };
    assert.equal(redrive.deadLetterTargetArn, ref('aws_sqs_queue', `dlq-${service.id}`, 'arn'));
    assert.equal(redrive.maxReceiveCount, service.queue.maxReceiveCount);
    assert.ok(
      Number(queue.visibility_timeout_seconds) >= service.timeoutS * 6,
      'visibility timeout covers retries of the function timeout',
    );
    const mapping = r.aws_lambda_event_source_mapping?.[`mapping-${service.id}`];
    assert.ok(mapping);
    assert.deepEqual(mapping.function_response_types, ['ReportBatchItemFailures']);
    assert.equal(mapping.event_source_arn, ref('aws_sqs_queue', `queue-${service.id}`, 'arn'));
    assert.equal(mapping.function_name, ref('aws_lambda_function', `function-${service.id}`, 'function_name'));
  }
  const queues = Object.keys(r.aws_sqs_queue ?? {});
  assert.equal(queues.length, 12, 'six queues and six DLQs, nothing else');
});

test('every internal type has exactly one rule (orchestrator source only) targeting exactly one consumer', () => {
  for (const type of INTERNAL_ACTION_TYPES) {
    const consumers = SERVICES.filter((s) => s.consumes.includes(type));
    assert.equal(consumers.length, 1, `${type} consumers`);
    const rules = Object.entries(r.aws_cloudwatch_event_rule ?? {}).filter(([, rule]) =>
      String(rule.event_pattern ?? '').includes(`"${internalDetailType(type)}"`),
    );
    assert.equal(rules.length, 1, `${type} rules`);
    const [ruleId, rule] = rules[0]!;
    assert.deepEqual(JSON.parse(String(rule.event_pattern)), {
      source: [INTERNAL_EVENT_SOURCE],
      'detail-type': [internalDetailType(type)],
    });
    assert.equal(rule.event_bus_name, ref('aws_cloudwatch_event_bus', 'bus', 'name'));
    const targets = Object.values(r.aws_cloudwatch_event_target ?? {}).filter(
      (t) => t.rule === ref('aws_cloudwatch_event_rule', ruleId, 'name'),
    );
    assert.equal(targets.length, 1);
    assert.equal(targets[0]!.arn, ref('aws_sqs_queue', `queue-${consumers[0]!.id}`, 'arn'));
  }
});

test('the six default schedules exist with their cron expressions and valid action payloads', () => {
  assert.equal(DEFAULT_SCHEDULES.length, 6);
  for (const schedule of DEFAULT_SCHEDULES) {
    const rule = r.aws_cloudwatch_event_rule?.[`schedule-${schedule.name}`];
    assert.ok(rule, schedule.name);
    assert.equal(rule.name, `cbtest-${schedule.name}-timer-rule`);
    assert.equal(rule.schedule_expression, schedule.expression);
    assert.equal(rule.event_bus_name, undefined, 'schedules run on the default bus');
    const target = r.aws_cloudwatch_event_target?.[`target-action-router-${schedule.name}`];
    assert.ok(target);
    assert.equal(target.arn, ref('aws_sqs_queue', 'queue-action-router', 'arn'));
    const payload = JSON.parse(String(target.input));
    assert.deepEqual(payload, schedule.input);
    assert.doesNotThrow(() => parseAction(payload), `${schedule.name} payload is a valid action`);
  }
  assert.deepEqual(
    DEFAULT_SCHEDULES.map((s) => [s.name, s.expression]),
    [
      ['provider_collector', 'cron(5 0 1 * ? *)'],
      ['carbon_collector', 'cron(30 0 * * ? *)'],
      ['performance_collector', 'cron(30 0 * * ? *)'],
      ['log_syncer', 'cron(5 0 * * ? *)'],
      ['deployment_manager', 'cron(0 1 * * ? *)'],
      ['deployment_migrator', 'cron(0 2 * * ? *)'],
    ],
  );
});

test('queues accept messages from EventBridge only through the rules that feed them', () => {
  const policy = JSON.parse(String(r.aws_sqs_queue?.['queue-action-router']?.policy));
  const statement = policy.Statement[0];
  assert.equal(statement.Principal.Service, 'events.amazonaws.com');
  assert.equal(statement.Action, 'sqs:SendMessage');
  const allowed: string[] = statement.Condition.ArnEquals['aws:SourceArn'];
  assert.equal(allowed.length, 1 + DEFAULT_SCHEDULES.length);
  assert.ok(allowed.includes(ref('aws_cloudwatch_event_rule', 'rule-action-router-public-actions', 'arn')));
});

test('IAM: no wildcard action anywhere; "*" resources only for actions without resource-level permissions', () => {
  const NO_RESOURCE_LEVEL = ACTIONS_WITHOUT_RESOURCE_LEVEL;
  for (const [id, policy] of Object.entries(r.aws_iam_role_policy ?? {})) {
    const doc = JSON.parse(String(policy.policy)) as { Statement: Array<{ Action: string[]; Resource: string[] }> };
    for (const statement of doc.Statement) {
      for (const action of statement.Action) assert.ok(!action.includes('*'), `${id}: wildcard action ${action}`);
      for (const resource of statement.Resource) {
        if (resource === '*') {
          assert.ok(
            statement.Action.every((a) => NO_RESOURCE_LEVEL.has(a)),
            `${id}: "*" resource for ${statement.Action.join(',')}`,
          );
        } else {
          assert.ok(resource.startsWith('arn:aws:') || resource.startsWith('${'), `${id}: resource ${resource}`);
        }
      }
    }
  }
});

test('IAM: each service may use exactly the tables its manifest entry names', () => {
  for (const service of SERVICES) {
    const doc = JSON.parse(String(r.aws_iam_role_policy?.[`policy-${service.id}`]?.policy)) as {
      Statement: Array<{ Sid: string; Action: string[]; Resource: string[] }>;
    };
    const tableArns = doc.Statement.flatMap((s) => s.Resource).filter(
      (res) => res.includes('aws_dynamodb_table.') && !res.includes('/index/'),
    );
    const expected = service.tables.map((t) => ref('aws_dynamodb_table', `table-${t.id}`, 'arn'));
    assert.deepEqual(new Set(tableArns), new Set(expected), service.id);
    for (const table of service.tables) {
      const statement = doc.Statement.find((s) => s.Resource.includes(ref('aws_dynamodb_table', `table-${table.id}`, 'arn')))!;
      assert.equal(statement.Action.includes('dynamodb:PutItem'), table.access === 'readwrite', `${service.id} ${table.id}`);
    }
    const env = (r.aws_lambda_function?.[`function-${service.id}`]?.environment as { variables: Record<string, string> }).variables;
    const tableVars = Object.keys(env).filter((k) => TABLES.some((t) => t.envVar === k));
    assert.deepEqual(new Set(tableVars), new Set(service.tables.map((t) => TABLES.find((x) => x.id === t.id)!.envVar)));
  }
});

test('every table of the table list exists with its keys, indexes and TTL, on demand', () => {
  for (const spec of TABLES) {
    const table = r.aws_dynamodb_table?.[`table-${spec.id}`];
    assert.ok(table, spec.id);
    assert.equal(table.name, `cbtest-${spec.id}`);
    assert.equal(table.billing_mode, 'PAY_PER_REQUEST');
    assert.equal(table.hash_key, spec.hashKey.name);
    assert.equal(table.range_key, spec.rangeKey?.name);
    const indexes = (table.global_secondary_index as Array<{ name: string }> | undefined)?.map((i) => i.name) ?? [];
    assert.deepEqual(indexes, spec.globalIndexes?.map((i) => i.name) ?? []);
    if (spec.ttlAttribute) assert.deepEqual(table.ttl, { attribute_name: spec.ttlAttribute, enabled: true });
  }
});

test('region and prefix are parameters; log groups have a retention; bad prefixes are refused', async () => {
  const provider = (synth.json.provider as { aws: Array<{ region: string }> }).aws[0]!;
  assert.equal(provider.region, 'eu-west-1');
  for (const service of SERVICES) {
    const group = r.aws_cloudwatch_log_group?.[`logs-${service.id}`];
    assert.equal(group?.name, `/aws/lambda/cbtest-${service.id}`);
    assert.ok(Number(group?.retention_in_days) > 0);
  }
  await assert.rejects(synthStack({ outDir: synth.dir, prefix: 'Bad_Prefix', region: 'x' }), /prefix "Bad_Prefix" must be/);
});

test('IAM: the migrator may pass workflow roles to Lambda only, and remove what it created', () => {
  const doc = JSON.parse(String(r.aws_iam_role_policy?.['policy-migrator']?.policy)) as {
    Statement: Array<{ Action: string[]; Resource: string[]; Condition?: Record<string, Record<string, string>> }>;
  };
  const passRole = doc.Statement.find((s) => s.Action.includes('iam:PassRole'))!;
  assert.deepEqual(passRole.Action, ['iam:PassRole']);
  assert.deepEqual(passRole.Condition, { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } });
  assert.ok(
    passRole.Resource.every((res) => res.endsWith(':role/cbtest_*')),
    JSON.stringify(passRole.Resource),
  );
  const actions = doc.Statement.flatMap((s) => s.Action);
  for (const needed of [
    'lambda:DeleteFunction',
    'lambda:InvokeFunction',
    'lambda:DeleteEventSourceMapping',
    'sqs:DeleteQueue',
    'iam:DeleteRole',
    'iam:DeleteRolePolicy',
  ])
    assert.ok(actions.includes(needed), needed);
});
