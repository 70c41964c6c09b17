import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../../../bin/caribou.js', import.meta.url));
// No AWS anywhere: an unroutable endpoint makes any accidental AWS call fail fast.
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
  AWS_MAX_ATTEMPTS: '1',
};
const caribou = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });

test('caribou --help lists the commands and exits 0; no command is a usage error', () => {
  const help = caribou('--help');
  assert.equal(help.status, 0);
  for (const name of ['version', 'list', 'log_sync', 'data_collect', 'manage_deployments', 'run_deployment_migrator']) {
    assert.match(help.stdout, new RegExp(`\\n  ${name} `));
  }
  assert.equal(caribou().status, 2);
  const unknown = caribou('frobnicate');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"/);
});

test('caribou version prints the version without any AWS call', () => {
  const run = caribou('version');
  assert.equal(run.status, 0, run.stderr);
  assert.equal(run.stdout.trim(), '0.1.0');
  assert.deepEqual(JSON.parse(caribou('version', '--json').stdout), { status: 200, version: '0.1.0' });
});

test('usage errors exit 2 and name what was expected', () => {
  const noWorkflow = caribou('data_collect', 'workflow');
  assert.equal(noWorkflow.status, 2);
  assert.match(noWorkflow.stderr, /field "workflow_id": required when collector is "workflow"/);
  const badCalc = caribou('manage_deployments', '--deployment_metrics_calculator_type', 'rust');
  assert.equal(badCalc.status, 2);
  assert.match(badCalc.stderr, /expected "simple" or "go", got "rust"/);
  assert.equal(caribou('list', '--bogus').status, 2);
  assert.match(caribou('list', '--invoke').stderr, /--invoke goes with -r/);
  assert.match(caribou('data_collect', '--help').stdout, /Usage: caribou data_collect <collector>/);
});

test('an unreachable control plane is a failure (exit 1) with the cause, not a crash', () => {
  const run = caribou('list');
  assert.equal(run.status, 1);
  assert.match(run.stderr, /caribou list: could not scan table caribou-workflows/);
});
