// `caribou` as a user runs it: global options, help, exit codes (2 for every usage error, with what
// was expected), `-a` input, AWS set-up messages, and `deploy --check` refusing an unknown region
// with file:line:column. The dispatcher runs in-process (cli/main-core.ts) where only the exit code
// and messages matter; bin/caribou.js in a child process where the process itself does (SDK
// environment, stdin, stderr). No AWS call succeeds here.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { scaffoldWorkflow } from '../../../shared/workflows/scaffold.js';
import { main } from '../../../cli/main-core.js';

/** The dispatcher in this process: exit code and the lines it printed. */
async function inProcess(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, {});
  return { status, stdout: out.map((l) => `${l}\n`).join(''), stderr: err.map((l) => `${l}\n`).join('') };
}

const bin = fileURLToPath(new URL('../../../bin/caribou.js', import.meta.url));
const base: NodeJS.ProcessEnv = { ...process.env, CARIBOU_CLI_FROM_SOURCE: '1', AWS_MAX_ATTEMPTS: '1' };
for (const k of Object.keys(base))
  if (/^AWS_(REGION|DEFAULT_REGION|PROFILE|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|ENDPOINT_URL.*)$/.test(k)) delete base[k];
// An unroutable endpoint makes any AWS call that gets as far as the network fail fast.
const offline = {
  ...base,
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'x',
  AWS_SECRET_ACCESS_KEY: 'x',
};

// On a Node older than the SDK's next minimum (Node 20 here), the AWS SDK prints its own
// NodeVersionSupportWarning once per process. It is true and stays visible to users; the
// assertions below are about caribou's own messages, so they read stderr without it.
const SDK_NODE_WARNING = /\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?to show where the warning was created\)\n/;

function caribou(args: string[], options: { env?: NodeJS.ProcessEnv; input?: string; cwd?: string } = {}) {
  const result = spawnSync(process.execPath, [bin, ...args], {
    env: options.env ?? offline,
    input: options.input ?? '',
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { ...result, stderr: result.stderr.replace(SDK_NODE_WARNING, '') };
}

test('--version, help <command>, <command> --help and --help (global options listed)', async () => {
  const version = caribou(['--version']);
  assert.equal(version.status, 0, version.stderr);
  assert.match(version.stdout, /^\d+\.\d+\.\d+\n$/);
  assert.deepEqual(JSON.parse((await inProcess(['--version', '--output', 'json'])).stdout), { version: version.stdout.trim() });
  const help = await inProcess(['help', 'run']);
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /^Usage: caribou run <workflow_id> \[-a <JSON> \| -a @<file\.json> \| -a -\]/);
  assert.equal((await inProcess(['run', '--help'])).stdout, help.stdout);
  const top = await inProcess(['--help']);
  assert.equal(top.status, 0);
  assert.match(top.stdout, /--profile <name>[\s\S]*--region <code>[\s\S]*--output json\|table\|text[\s\S]*--debug[\s\S]*--version/);
  const unknown = await inProcess(['help', 'frobnicate']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown command "frobnicate"\. Expected one of: /);
});

test('every usage error exits 2 and says what was expected', async () => {
  const cases: [string[], RegExp][] = [
    [['new_workflow', 'bad-name!'], /workflow name "bad-name!" is invalid: expected 1-25 letters, digits or _/],
    [
      ['new_workflow', 'ok', '--home-region', 'mars-north-9'],
      /--home-region: unknown AWS region "mars-north-9" \(expected an AWS region code such as eu-north-1/,
    ],
    [['tasks', '--limit', '-5'], /--limit: expected a non-negative integer, got "-5"/],
    [['solve', '--data', 'd', '--workflow', 'w', '--hours', '24'], /--hours: expected comma-separated integer hours 0\.\.23, got "24"/],
    [['list', '--bogus'], /Unknown option '--bogus'; expected one of: /],
    [['runs'], /expected `caribou runs <workflow_id>/],
    [['list', '--output', 'yaml'], /--output: expected json, table or text, got "yaml"/],
    [['list', '--region', 'Europe'], /--region: expected an AWS region code such as eu-north-1, got "Europe"/],
    [['run', 'wf-0.0.1', '-a', '{x:1}'], /-a: expected JSON \(e\.g\. .*\), got "\{x:1\}"/],
  ];
  const spawned = caribou(['new_workflow', 'bad-name!']);
  assert.equal(spawned.status, 2, spawned.stderr);
  assert.match(spawned.stderr, /workflow name "bad-name!" is invalid/);
  for (const [args, message] of cases) {
    const run = await inProcess(args);
    assert.equal(run.status, 2, `caribou ${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, message, `caribou ${args.join(' ')}`);
    assert.match(run.stderr, /Run `caribou( [a-z_]+)? --help`/);
  }
});

test('-a @file and -a - (stdin) must hold JSON', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-arg-'));
  try {
    writeFileSync(path.join(dir, 'in.json'), 'name: Ada');
    const file = await inProcess(['run', 'wf-0.0.1', '-a', `@${path.join(dir, 'in.json')}`]);
    assert.equal(file.status, 2);
    assert.match(file.stderr, /in\.json: expected JSON/);
    const stdin = caribou(['run', 'wf-0.0.1', '-a', '-'], { input: 'not json' });
    assert.equal(stdin.status, 2);
    assert.match(stdin.stderr, /stdin \(-a -\): expected JSON/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("no region or no credentials: an actionable one-line message, not the SDK's; --debug adds the stack", () => {
  const noAws = {
    ...base,
    HOME: os.tmpdir(),
    AWS_CONFIG_FILE: '/nonexistent/config',
    AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  const noRegion = caribou(['list'], { env: { ...noAws, AWS_ACCESS_KEY_ID: 'x', AWS_SECRET_ACCESS_KEY: 'x' } });
  assert.equal(noRegion.status, 1);
  assert.equal(
    noRegion.stderr,
    'caribou list: no AWS region: set AWS_REGION or --region, or run `eval "$(caribou local env)"` for local mode\n',
  );
  const noCreds = caribou(['list', '--region', 'eu-west-1'], { env: noAws });
  assert.equal(noCreds.status, 1);
  assert.match(
    noCreds.stderr,
    /^caribou list: no AWS credentials: set AWS_PROFILE or --profile .*AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or run `eval "\$\(caribou local env\)"` for local mode\n$/,
  );
  const debug = caribou(['list', '--region', 'eu-west-1', '--profile', 'nope', '--debug'], { env: noAws });
  assert.equal(debug.status, 1);
  // --debug also prints one [aws] line per AWS call, before the failure it led to.
  assert.match(debug.stderr, /^\[aws\] DynamoDBClient\.ScanCommand failed: CredentialsProviderError/);
  assert.match(debug.stderr, /^caribou list: no AWS credentials for profile "nope"/m);
  assert.match(debug.stderr, /caused by: CredentialsProviderError: Could not load credentials from any providers\n\s+at /);
});

test('deploy --check rejects an unknown region in config.yml with file:line:column; --json output has no progress', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-check-'));
  try {
    scaffoldWorkflow({ name: 'demo', directory: path.join(dir, 'demo') });
    const config = path.join(dir, 'demo', '.caribou', 'config.yml');
    const good = await inProcess(['deploy', '--check', '--output', 'json', path.join(dir, 'demo')]);
    assert.equal(good.status, 0, good.stderr);
    assert.equal(JSON.parse(good.stdout).workflow_id, 'demo-0.0.1');
    assert.equal(good.stderr, '');
    const text = readFileSync(config, 'utf8');
    const line = text.split('\n').findIndex((l) => /^\s+region: us-east-1$/.test(l)) + 1;
    writeFileSync(config, text.replace(/region: us-east-1/, 'region: mars-north-9'));
    const bad = caribou(['deploy', '--check', path.join(dir, 'demo')]);
    assert.equal(bad.status, 1);
    assert.match(
      bad.stderr,
      new RegExp(
        `config\\.yml:${line}:\\d+: home_region\\.region: unknown AWS region "mars-north-9" \\(expected an AWS region code such as eu-north-1`,
      ),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
