// The operator's extra boundary statements (CARIBOU_BOUNDARY_EXTRA_STATEMENTS / the stack prop
// boundaryExtraStatements): validated, added to the synthesized boundary and given to the services,
// and the cap a workflow's own policy is checked against before the deployer attaches it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BOUNDARY_EXTRA_ENV,
  boundaryProblems,
  extraStatementProblems,
  extraStatementsFromEnv,
  workflowBoundaryPolicy,
  type ExtraStatement,
} from '../../../shared/workflows/boundary.js';
import { controlPlaneFromEnv } from '../../../shared/workflows/env.js';
import { ValidationError } from '../../../shared/errors.js';
import { synthToTemp } from '../terraform/synth-helper.js';

const UPLOADS: ExtraStatement = { Sid: 'Uploads', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::user-uploads/*'] };
const ORDERS: ExtraStatement = {
  Action: ['dynamodb:GetItem', 'dynamodb:Query'],
  Resource: ['arn:aws:dynamodb:*:123456789012:table/orders'],
};
const policy = (...statements: Record<string, unknown>[]) => ({
  Version: '2012-10-17',
  Statement: statements.map((s) => ({ Effect: 'Allow', ...s })),
});

test('extra statements are validated: named actions on ARNs, no iam/sts, no "*" or service-wide wildcard', () => {
  assert.deepEqual(extraStatementProblems([UPLOADS, ORDERS, { Action: ['s3:Get*'], Resource: ['arn:aws:s3:::b/*'] }]), []);
  const problems = (list: unknown) => extraStatementProblems(list).join('\n');
  assert.match(problems({}), /expected a JSON array/);
  assert.match(problems([{ Action: ['*'], Resource: ['*'] }]), /"\*" is not a service:Action name/);
  assert.match(problems([{ Action: ['iam:PassRole'], Resource: ['*'] }]), /iam:PassRole: no iam actions/);
  assert.match(problems([{ Action: ['iam:*'], Resource: ['*'] }]), /iam:\*: no iam actions/);
  assert.match(problems([{ Action: ['sts:AssumeRole'], Resource: ['*'] }]), /no sts actions/);
  assert.match(problems([{ Action: ['s3:*'], Resource: ['arn:aws:s3:::b/*'] }]), /name the actions instead of every action of s3/);
  assert.match(problems([{ Action: [], Resource: ['arn:aws:s3:::b'] }]), /Action must be a non-empty list/);
  assert.match(problems([{ Action: ['s3:GetObject'], Resource: ['bucket'] }]), /"bucket" is not an ARN/);
  assert.match(problems([{ Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Effect: 'Deny' }]), /Effect is not allowed/);
  assert.match(problems([{ Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'], Condition: {} }]), /Condition is not allowed/);
  assert.match(problems([{ Sid: 'not ok', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::b/*'] }]), /Sid must be/);
});

test('the environment variable: JSON, validated, with errors that name it', () => {
  assert.deepEqual(extraStatementsFromEnv({}), []);
  assert.deepEqual(extraStatementsFromEnv({ [BOUNDARY_EXTRA_ENV]: JSON.stringify([UPLOADS]) }), [UPLOADS]);
  assert.throws(
    () => extraStatementsFromEnv({ [BOUNDARY_EXTRA_ENV]: '[{' }),
    (e: Error) => e instanceof ValidationError && /CARIBOU_BOUNDARY_EXTRA_STATEMENTS is not valid JSON/.test(e.message),
  );
  assert.throws(
    () => extraStatementsFromEnv({ [BOUNDARY_EXTRA_ENV]: '[{"Action":["iam:*"],"Resource":["*"]}]' }),
    /CARIBOU_BOUNDARY_EXTRA_STATEMENTS: statement 0: iam:\*/,
  );
  const base = { CARIBOU_ARTIFACTS_BUCKET: 'b', CARIBOU_WORKFLOWS_TABLE: 'w', CARIBOU_PLACEMENTS_TABLE: 'p' };
  assert.deepEqual(controlPlaneFromEnv({ ...base, [BOUNDARY_EXTRA_ENV]: JSON.stringify([ORDERS]) }).boundaryExtraStatements, [ORDERS]);
  assert.equal(controlPlaneFromEnv(base).boundaryExtraStatements, undefined);
});

test("the boundary carries the extra statements after the stack's own", () => {
  const scope = { account: '1', stackPrefix: 'cb', artifactsBucket: 'b', placementsTable: 'p' };
  const plain = workflowBoundaryPolicy(scope);
  const extended = workflowBoundaryPolicy({ ...scope, extraStatements: [UPLOADS, ORDERS] });
  assert.deepEqual(extended.Statement.slice(0, plain.Statement.length), plain.Statement);
  assert.deepEqual(extended.Statement.slice(plain.Statement.length), [
    { Sid: 'Uploads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::user-uploads/*'] },
    { Sid: 'Extra1', Effect: 'Allow', Action: ORDERS.Action, Resource: ORDERS.Resource },
  ]);
  assert.throws(() => workflowBoundaryPolicy({ ...scope, extraStatements: [{ Action: ['*'], Resource: ['*'] }] }), ValidationError);
});

test('a workflow policy may ask for extra actions only on resources the extra statements cover', () => {
  const alerts: ExtraStatement = { Action: ['sns:Publish'], Resource: ['arn:aws:sns:*:123456789012:alerts'] };
  const extra = [UPLOADS, ORDERS, alerts, { Action: ['s3:Get*'], Resource: ['arn:aws:s3:::reports/2026/*'] }];
  assert.deepEqual(boundaryProblems(policy({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::user-uploads/images/a.png' }), extra), []);
  assert.deepEqual(
    boundaryProblems(policy({ Action: ['sns:Publish'], Resource: ['arn:aws:sns:eu-west-1:123456789012:alerts'] }), extra),
    [],
  );
  assert.deepEqual(
    boundaryProblems(policy({ Action: ['dynamodb:Scan'], Resource: ['arn:aws:dynamodb:eu-west-1:123456789012:table/orders'] }), [
      { Action: ['dynamodb:Scan'], Resource: ORDERS.Resource },
    ]),
    [],
  );
  assert.deepEqual(
    boundaryProblems(policy({ Action: ['S3:GetObjectVersion'], Resource: ['arn:aws:s3:::reports/2026/q1.csv'] }), extra),
    [],
  );
  assert.deepEqual(boundaryProblems(policy({ Action: ['s3:GetObjectTagging'], Resource: ['arn:aws:s3:::reports/2026/*'] }), extra), []);
  // The stack's own actions keep working beside them.
  assert.deepEqual(
    boundaryProblems(
      policy(
        { Action: ['logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' },
        { Action: 's3:GetObject', Resource: 'arn:aws:s3:::user-uploads/x' },
      ),
      extra,
    ),
    [],
  );

  const problems = (doc: unknown) => boundaryProblems(doc, extra).join('\n');
  assert.match(
    problems(policy({ Action: 's3:GetObjectTagging', Resource: 'arn:aws:s3:::other-bucket/*' })),
    /s3:GetObjectTagging on arn:aws:s3:::other-bucket\/\* is outside the workflow permissions boundary \(it allows s3:GetObjectTagging on arn:aws:s3:::reports\/2026\/\*\)/,
  );
  assert.match(problems(policy({ Action: 'sns:Publish', Resource: '*' })), /sns:Publish on \* is outside/);
  assert.match(
    problems(policy({ Action: 's3:GetObjectTagging', Resource: 'arn:aws:s3:::reports/*' })),
    /on arn:aws:s3:::reports\/\* is outside/,
  );
  assert.match(problems(policy({ Action: 'sns:Publish', Resource: 'arn:aws:sns:*:123456789012:al?rts' })), /al\?rts is outside/);
  assert.match(
    problems(policy({ Action: 's3:PutObjectTagging', Resource: 'arn:aws:s3:::user-uploads/*' })),
    /s3:PutObjectTagging is outside the workflow permissions boundary/,
  );
  assert.match(problems(policy({ Action: 'sns:Publish' })), /needs a Resource list/);
  assert.match(
    problems(policy({ Action: 'dynamodb:Scan', Resource: 'arn:aws:dynamodb:*:123456789012:table/orders' })),
    /dynamodb:Scan is outside/,
  );
  assert.match(problems(policy({ Action: 'iam:PassRole', Resource: '*' })), /iam:PassRole is outside/);
  // Without extra statements the error says how the operator can allow it.
  assert.match(
    boundaryProblems(policy({ Action: 'sns:Publish', Resource: 'arn:aws:sns:*:123456789012:alerts' })).join(),
    /can allow it with CARIBOU_BOUNDARY_EXTRA_STATEMENTS/,
  );
});

test('synth: the boundary policy has the extra statements and every service gets them', async () => {
  const synth = await synthToTemp('cbextra', 'eu-west-1', { boundaryExtraStatements: [UPLOADS] });
  try {
    const boundary = synth.resources.aws_iam_policy?.['workflow-boundary'];
    assert.ok(boundary);
    const doc = JSON.parse(String(boundary.policy)) as { Statement: { Sid: string; Action: string[]; Resource: string[] }[] };
    assert.deepEqual(
      doc.Statement.find((s) => s.Sid === 'Uploads'),
      { Sid: 'Uploads', Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::user-uploads/*'] },
    );
    for (const fn of Object.values(synth.resources.aws_lambda_function ?? {})) {
      const env = (fn.environment as { variables: Record<string, string> }).variables;
      assert.deepEqual(JSON.parse(env[BOUNDARY_EXTRA_ENV]!), [UPLOADS], String(fn.function_name));
    }
  } finally {
    synth.cleanup();
  }
  await assert.rejects(
    synthToTemp('cbextra', 'eu-west-1', { boundaryExtraStatements: [{ Action: ['iam:PassRole'], Resource: ['*'] }] }),
    /no iam actions/,
  );
});
