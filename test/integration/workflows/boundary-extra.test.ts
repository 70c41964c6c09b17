// A workflow that calls another AWS service (here S3 object tags of a user bucket) against the
// emulator: the deployer refuses its policy until the operator's extra boundary statements cover
// the action and the resource, with a message saying which; then the role carries the statement.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetRolePolicyCommand, ListRolesCommand } from '@aws-sdk/client-iam';
import { startMoto, createControlPlane, type Moto } from './moto.js';
import { clients } from '../../../shared/aws/clients.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { deployWorkflow } from '../../../shared/workflows/deploy.js';
import { removeWorkflow } from '../../../shared/workflows/remove.js';
import { controlPlaneFromEnv, type WorkflowDeps } from '../../../shared/workflows/env.js';
import { scaffoldWorkflow } from '../../../shared/workflows/scaffold.js';
import { REPO_ROOT } from '../../../shared/config/control-plane.js';
import type { ExtraStatement } from '../../../shared/workflows/boundary.js';

const TAGS = { Effect: 'Allow', Action: ['s3:GetObjectTagging'], Resource: ['arn:aws:s3:::user-uploads/*'] };
let moto: Moto;
let deps: WorkflowDeps;
let root: string;
let projectDir: string;

before(async () => {
  moto = await startMoto();
  Object.assign(process.env, moto.env);
  Object.assign(process.env, await createControlPlane('cb-extra'));
  deps = { controlPlane: controlPlaneFromEnv(), clients, now: () => new Date(), progress: () => undefined, sleep: async () => undefined };
  root = mkdtempSync(path.join(tmpdir(), 'caribou-extra-'));
  projectDir = path.join(root, 'uploads');
  scaffoldWorkflow({
    name: 'uploads',
    directory: projectDir,
    iamPolicy: {
      aws: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' }, TAGS],
      },
    },
  });
  mkdirSync(path.join(projectDir, 'node_modules', '@caribou-ts'), { recursive: true });
  symlinkSync(REPO_ROOT, path.join(projectDir, 'node_modules', '@caribou-ts', 'caribou'), 'dir');
});
after(async () => {
  if (root) rmSync(root, { recursive: true, force: true });
  await moto?.stop();
});

const withExtra = (extra: ExtraStatement[]): WorkflowDeps => ({
  ...deps,
  controlPlane: { ...deps.controlPlane, boundaryExtraStatements: extra },
});
const workflowRoles = async () =>
  ((await clients.iam('us-east-1').send(new ListRolesCommand({}))).Roles ?? [])
    .map((r) => r.RoleName!)
    .filter((n) => n.startsWith('cb-extra_uploads'));

test('without extra statements the deploy is refused, naming the variable that allows it, and creates no role', async () => {
  await assert.rejects(
    deployWorkflow(analyzeProject(projectDir), deps),
    /s3:GetObjectTagging is outside the workflow permissions boundary \(the stack operator can allow it with CARIBOU_BOUNDARY_EXTRA_STATEMENTS\)/,
  );
  assert.deepEqual(await workflowRoles(), []);
});

test('extra statements for another bucket do not cover it', async () => {
  const other = withExtra([{ Action: ['s3:GetObjectTagging'], Resource: ['arn:aws:s3:::reports/*'] }]);
  await assert.rejects(
    deployWorkflow(analyzeProject(projectDir), other),
    /s3:GetObjectTagging on arn:aws:s3:::user-uploads\/\* is outside the workflow permissions boundary \(it allows s3:GetObjectTagging on arn:aws:s3:::reports\/\*\)/,
  );
  assert.deepEqual(await workflowRoles(), []);
});

test('with a covering extra statement the workflow deploys and its roles carry the statement', async () => {
  const covered = withExtra([{ Sid: 'Uploads', Action: ['s3:GetObject*'], Resource: ['arn:aws:s3:::user-uploads/*'] }]);
  const result = await deployWorkflow(analyzeProject(projectDir), covered);
  assert.equal(result.workflowId, 'uploads-0.0.1');
  const roles = await workflowRoles();
  assert.equal(roles.length, 2);
  for (const role of roles) {
    const doc = (await clients.iam('us-east-1').send(new GetRolePolicyCommand({ RoleName: role, PolicyName: 'workflow' }))).PolicyDocument!;
    const statements = (JSON.parse(decodeURIComponent(doc)) as { Statement: unknown[] }).Statement;
    assert.deepEqual(statements.at(-1), TAGS, role);
  }
  await removeWorkflow({ workflowId: 'uploads-0.0.1' }, covered);
  assert.deepEqual(await workflowRoles(), []);
});
