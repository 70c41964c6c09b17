// Security audit of the synthesized control-plane stack (the Terraform JSON `make deploy` applies):
// least privilege, encryption at rest, a private TLS-only bucket, no secret in any environment.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { synthToTemp, type Resources } from '../terraform/synth-helper.js';

let synth: Awaited<ReturnType<typeof synthToTemp>>;
let r: Resources;
before(async () => {
  synth = await synthToTemp('cbaudit', 'eu-west-1');
  r = synth.resources;
});
after(() => synth.cleanup());

interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}
const list = (v: string | string[]) => (Array.isArray(v) ? v : [v]);
const policyDocs = (): Array<[string, Statement[]]> => [
  ...Object.entries(r.aws_iam_role_policy ?? {}).map(
    ([id, p]) => [`role policy ${id}`, (JSON.parse(String(p.policy)) as { Statement: Statement[] }).Statement] as [string, Statement[]],
  ),
  ...Object.entries(r.aws_iam_role ?? {}).map(
    ([id, p]) =>
      [`trust ${id}`, (JSON.parse(String(p.assume_role_policy)) as { Statement: Statement[] }).Statement] as [string, Statement[]],
  ),
  ...Object.entries(r.aws_sqs_queue ?? {})
    .filter(([, q]) => q.policy)
    .map(
      ([id, q]) => [`queue policy ${id}`, (JSON.parse(String(q.policy)) as { Statement: Statement[] }).Statement] as [string, Statement[]],
    ),
  ...Object.entries(r.aws_s3_bucket_policy ?? {}).map(
    ([id, p]) => [`bucket policy ${id}`, (JSON.parse(String(p.policy)) as { Statement: Statement[] }).Statement] as [string, Statement[]],
  ),
];

/**
 * Every grant on resource "*", with the reason. AWS authorizes these actions only against "*"
 * (no resource-level permissions, per the Service Authorization Reference).
 */
const STAR_RESOURCES: Record<string, string> = {
  'policy-orchestrator cloudwatch:GetMetricData': 'GetMetricData has no resource-level permissions; ecology reads labourer health metrics',
  'policy-action-router lambda:ListEventSourceMappings':
    "ListEventSourceMappings has no resource-level permissions; remove finds a workflow function's mappings",
  'policy-migrator lambda:CreateEventSourceMapping':
    'CreateEventSourceMapping is authorized on "*" (the function is named in the request); the migrator connects new functions to their queues',
  'policy-migrator lambda:ListEventSourceMappings':
    'ListEventSourceMappings has no resource-level permissions; the migrator checks existing mappings',
  'policy-data-collectors ec2:DescribeRegions':
    'DescribeRegions has no resource-level permissions; the collectors list the regions enabled for the account',
  'policy-data-collectors pricing:GetProducts':
    'The Price List Query API has no resource-level permissions; the provider collector reads Lambda/SQS/DynamoDB/S3 prices',
  // X-Ray has no resource-level permissions; every function may send trace segments when tracing_mode is Active.
  ...Object.fromEntries(
    ['action-router', 'orchestrator', 'log-syncer', 'data-collectors', 'deployment-manager', 'migrator'].flatMap((svc) =>
      ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'].map((action) => [
        `policy-${svc} ${action}`,
        'X-Ray has no resource-level permissions (tracing_mode Active)',
      ]),
    ),
  ),
};

test('no wildcard action in any grant (Allow) of any policy; the only "*" action is the TLS-only Deny', () => {
  let grants = 0;
  for (const [where, statements] of policyDocs()) {
    for (const s of statements) {
      for (const action of list(s.Action)) {
        if (s.Effect === 'Allow') {
          grants += 1;
          assert.ok(!action.includes('*'), `${where}: wildcard action ${action}`);
        } else {
          assert.ok(
            where.startsWith('bucket policy') &&
              (s.Condition as { Bool?: Record<string, string> })?.Bool?.['aws:SecureTransport'] === 'false',
            `${where}: unexpected Deny ${action}`,
          );
        }
      }
    }
  }
  assert.ok(grants > 50, `${grants} grants audited`);
});

test('every grant on resource "*" is listed with the reason (no resource-level permissions); no other resource is a bare wildcard', (t) => {
  const found: string[] = [];
  for (const [id, p] of Object.entries(r.aws_iam_role_policy ?? {})) {
    for (const s of (JSON.parse(String(p.policy)) as { Statement: Statement[] }).Statement) {
      for (const resource of list(s.Resource)) {
        if (resource === '*') for (const action of list(s.Action)) found.push(`${id} ${action}`);
        else assert.ok(/^(arn:aws:[a-z0-9-]+:|\$\{)/.test(resource), `${id}: resource ${resource}`);
      }
    }
  }
  assert.deepEqual(found.sort(), Object.keys(STAR_RESOURCES).sort());
  for (const key of found) t.diagnostic(`"*": ${key} — ${STAR_RESOURCES[key]}`);
});

test('trust policies: each role is assumable by the Lambda service only', () => {
  for (const [id, role] of Object.entries(r.aws_iam_role ?? {})) {
    const statements = (JSON.parse(String(role.assume_role_policy)) as { Statement: Statement[] }).Statement;
    assert.deepEqual(statements, [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }], id);
  }
});

test('queues accept sends from EventBridge only under a SourceArn condition naming their rules', () => {
  for (const [id, queue] of Object.entries(r.aws_sqs_queue ?? {})) {
    if (!queue.policy) continue;
    for (const s of (JSON.parse(String(queue.policy)) as { Statement: Statement[] }).Statement) {
      assert.deepEqual(s.Principal, { Service: 'events.amazonaws.com' }, id);
      assert.deepEqual(list(s.Action), ['sqs:SendMessage'], id);
      const arns = (s.Condition as { ArnEquals: Record<string, string[]> }).ArnEquals['aws:SourceArn'] ?? [];
      assert.ok(arns.length > 0 && arns.every((a) => a.startsWith('${aws_cloudwatch_event_rule.')), id);
    }
  }
});

test('encryption at rest: every queue and DLQ (SSE-SQS), every table (never disabled), the artifacts bucket (SSE-S3)', () => {
  const queues = Object.entries(r.aws_sqs_queue ?? {});
  assert.ok(queues.length >= 12);
  for (const [id, queue] of queues) assert.ok(queue.sqs_managed_sse_enabled === true || queue.kms_master_key_id, `${id} is not encrypted`);
  // DynamoDB encrypts every table at rest (AWS owned key) and cannot be turned off; an explicit
  // server_side_encryption block may only choose a KMS key, never disable it.
  for (const [id, table] of Object.entries(r.aws_dynamodb_table ?? {})) {
    const sse = table.server_side_encryption as { enabled?: boolean } | undefined;
    assert.ok(sse === undefined || sse.enabled === true, `${id} disables encryption`);
  }
  const encryption = Object.values(r.aws_s3_bucket_server_side_encryption_configuration ?? {});
  assert.equal(encryption.length, Object.keys(r.aws_s3_bucket ?? {}).length, 'one encryption configuration per bucket');
  for (const e of encryption) {
    const rule = (e.rule as Array<{ apply_server_side_encryption_by_default: { sse_algorithm: string } }>)[0]!;
    assert.ok(['AES256', 'aws:kms'].includes(rule.apply_server_side_encryption_by_default.sse_algorithm));
  }
});

test('the artifacts bucket: every public access blocked, TLS-only bucket policy', () => {
  const buckets = Object.keys(r.aws_s3_bucket ?? {});
  assert.deepEqual(buckets, ['artifacts']);
  const blocks = Object.values(r.aws_s3_bucket_public_access_block ?? {});
  assert.equal(blocks.length, 1);
  for (const flag of ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'])
    assert.equal(blocks[0]![flag], true, flag);
  const policies = Object.values(r.aws_s3_bucket_policy ?? {});
  assert.equal(policies.length, 1);
  assert.equal(policies[0]!.bucket, '${aws_s3_bucket.artifacts.id}');
  const [deny] = (JSON.parse(String(policies[0]!.policy)) as { Statement: Statement[] }).Statement;
  assert.equal(deny!.Effect, 'Deny');
  assert.equal(deny!.Principal, '*');
  assert.deepEqual(list(deny!.Resource), ['${aws_s3_bucket.artifacts.arn}', '${aws_s3_bucket.artifacts.arn}/*']);
  assert.deepEqual(deny!.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
});

test('no secret in any Lambda environment: names and values hold only names, URLs and settings', () => {
  const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|CREDENTIAL|PRIVATE|API_?KEY|ACCESS_KEY|AUTH/i;
  const SECRET_VALUE = /(AKIA|ASIA)[0-9A-Z]{16}|-----BEGIN|[A-Za-z0-9/+]{40}|eyJ[A-Za-z0-9_-]{10,}\./;
  const functions = Object.entries(r.aws_lambda_function ?? {});
  assert.ok(functions.length >= 6);
  for (const [id, fn] of functions) {
    const variables = ((fn.environment as { variables?: Record<string, string> } | undefined)?.variables ?? {}) as Record<string, string>;
    for (const [name, value] of Object.entries(variables)) {
      assert.ok(!SECRET_NAME.test(name), `${id}: ${name} looks like a secret`);
      assert.ok(!SECRET_VALUE.test(String(value)), `${id}: ${name} holds a secret-looking value`);
    }
  }
});
