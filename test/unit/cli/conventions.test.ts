// The CLI's AWS-CLI-style conventions, module by module: global options, argument parsing (usage
// errors name what was expected), `-a` input, help marking of unbuilt services, AWS set-up errors,
// progress only on a terminal, and the unknown-region rule of the static analysis.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyGlobalOptions, extractGlobalOptions, globals } from '../../../cli/lib/globals.js';
import { parseCommandArgs } from '../../../cli/lib/args.js';
import { parseRunArgument } from '../../../cli/lib/argument.js';
import { formatTopHelp } from '../../../cli/lib/help.js';
import { explainAwsSetupError, NO_CREDENTIALS_MESSAGE, NO_REGION_MESSAGE, sdkDetails } from '../../../cli/lib/aws-errors.js';
import { Progress, progressPrinter } from '../../../cli/lib/progress.js';
import { UsageError } from '../../../shared/errors.js';
import { parseWorkflowConfig, ConfigError } from '../../../shared/analysis/config.js';
import { unknownFunctionRegions } from '../../../shared/analysis/rules/regions.js';
import { isKnownRegion } from '../../../shared/aws/regions.js';

/** Runs `fn` with the process-wide global options set, then restores them. */
function withGlobals<T>(options: Partial<typeof globals>, fn: () => T): T {
  const saved = { ...globals };
  Object.assign(globals, options);
  try {
    return fn();
  } finally {
    for (const k of Object.keys(globals)) delete (globals as unknown as Record<string, unknown>)[k];
    Object.assign(globals, saved);
  }
}

test('global options are taken from anywhere on the line; --json is --output json; -- ends them', () => {
  const { options, rest } = extractGlobalOptions([
    '--profile',
    'dev',
    'run',
    'wf',
    '--region=eu-north-1',
    '--json',
    '--debug',
    '-a',
    '{}',
    '--',
    '--version',
  ]);
  assert.deepEqual(options, { profile: 'dev', region: 'eu-north-1', output: 'json', debug: true, version: false });
  assert.deepEqual(rest, ['run', 'wf', '-a', '{}', '--', '--version']);
  assert.equal(extractGlobalOptions(['--output', 'table', 'list']).options.output, 'table');
  assert.equal(extractGlobalOptions(['--version']).options.version, true);
  assert.throws(
    () => extractGlobalOptions(['--output', 'yaml']),
    (e: Error) => e instanceof UsageError && /expected json, table or text, got "yaml"/.test(e.message),
  );
  assert.throws(() => extractGlobalOptions(['list', '--region']), /--region expects a value, e\.g\. --region eu-north-1/);
  assert.throws(() => extractGlobalOptions(['--profile', '--debug']), /--profile expects a value/);
});

test('applying global options sets the SDK environment before any client exists', () => {
  const env: NodeJS.ProcessEnv = {};
  withGlobals({}, () => {
    applyGlobalOptions({ profile: 'dev', region: 'eu-north-1', debug: true, version: false }, env);
    assert.deepEqual(env, { AWS_PROFILE: 'dev', AWS_REGION: 'eu-north-1', CARIBOU_DEBUG: '1' });
    assert.equal(globals.region, 'eu-north-1');
    assert.throws(
      () => applyGlobalOptions({ region: 'Europe', debug: false, version: false }, {}),
      (e: Error) => e instanceof UsageError && /expected an AWS region code such as eu-north-1, got "Europe"/.test(e.message),
    );
  });
});

test("command arguments: --output json sets a command's json flag; negative numbers reach the command; unknown options list the known ones", () => {
  const options = { limit: { type: 'string' as const }, json: { type: 'boolean' as const } };
  assert.equal(parseCommandArgs([], options).values.json, undefined);
  withGlobals({ output: 'json' }, () => assert.equal(parseCommandArgs([], options).values.json, true));
  withGlobals({ output: 'table' }, () => assert.equal(parseCommandArgs([], options).values.json, undefined));
  assert.equal(parseCommandArgs(['--limit', '-5'], options).values.limit, '-5');
  assert.throws(
    () => parseCommandArgs(['--bogus'], options),
    (e: Error) => e instanceof UsageError && /Unknown option '--bogus'; expected one of: --limit <value>, --json, --help/.test(e.message),
  );
  assert.throws(() => parseCommandArgs(['--limit'], options), /option '--limit <value>' expects a value/);
  assert.throws(() => parseCommandArgs(['x'], options, false), /this command takes options only/);
});

test('-a: JSON inline, from @file or stdin; anything else is a usage error saying what was expected', () => {
  assert.deepEqual(parseRunArgument(undefined), {});
  assert.deepEqual(parseRunArgument('{"n": 3}'), { n: 3 });
  assert.equal(parseRunArgument('"text"'), 'text');
  assert.deepEqual(parseRunArgument('@in.json', { readFile: (f) => (f === 'in.json' ? '[1, 2]' : '') }), [1, 2]);
  assert.deepEqual(parseRunArgument('-', { readStdin: () => '{"from": "stdin"}\n' }), { from: 'stdin' });
  assert.throws(
    () => parseRunArgument('{x:1}'),
    (e: Error) =>
      e instanceof UsageError && /-a: expected JSON \(e\.g\. .*-a @input\.json or -a - for stdin\), got "\{x:1\}"/.test(e.message),
  );
  assert.throws(() => parseRunArgument('hello'), UsageError);
  assert.throws(() => parseRunArgument('-', { readStdin: () => 'not json' }), /stdin \(-a -\): expected JSON/);
  assert.throws(() => parseRunArgument('@bad.json', { readFile: () => '{' }), /bad\.json: expected JSON/);
  assert.throws(
    () =>
      parseRunArgument('@missing.json', {
        readFile: () => {
          throw new Error('ENOENT');
        },
      }),
    /-a @missing\.json: cannot read missing\.json: ENOENT/,
  );
  assert.throws(() => parseRunArgument('@'), /expected a file name after @/);
});

test('caribou --help marks actions whose service is planned in this build', () => {
  const entries = [
    { name: 'list', summary: 'List workflows.' },
    { name: 'log_sync', summary: 'Sync logs.', service: 'log-syncer' },
    { name: 'data_collect', summary: 'Collect data.', service: 'data-collectors' },
  ];
  const help = formatTopHelp(entries, (id) => (id === 'log-syncer' ? 'planned' : 'available'));
  assert.match(help, /\n {2}log_sync +Sync logs\. \[not available in this build: service log-syncer is planned\]\n/);
  assert.match(help, /\n {2}data_collect +Collect data\.\n/);
  assert.match(help, /\n {2}list +List workflows\.\n/);
  assert.match(help, /--output json\|table\|text/);
  assert.match(help, /Exit codes: 0 ok, 1 failure .*, 2 usage error/);
  assert.doesNotMatch(
    formatTopHelp(entries, () => 'available'),
    /not available/,
  );
});

test('AWS set-up errors become actionable messages wherever they are in the cause chain', () => {
  const wrapped = new Error('could not scan table caribou-workflows: Region is missing', { cause: new Error('Region is missing') });
  assert.equal(explainAwsSetupError(wrapped, {}), NO_REGION_MESSAGE);
  assert.match(NO_REGION_MESSAGE, /^no AWS region: set AWS_REGION or --region, or run `eval "\$\(caribou local env\)"` for local mode$/);
  const noCreds = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
  assert.equal(explainAwsSetupError(new Error('outer', { cause: noCreds }), {}), NO_CREDENTIALS_MESSAGE);
  assert.match(explainAwsSetupError(noCreds, { AWS_PROFILE: 'dev' })!, /no AWS credentials for profile "dev".*aws sso login --profile dev/);
  assert.match(
    explainAwsSetupError(
      Object.assign(new Error('The security token included in the request is expired'), { name: 'ExpiredTokenException' }),
      {},
    )!,
    /credentials have expired/,
  );
  assert.equal(explainAwsSetupError(new Error('table not found'), {}), undefined);
  const sdkError = Object.assign(new Error('denied'), {
    name: 'AccessDeniedException',
    $fault: 'client',
    $metadata: { httpStatusCode: 403, requestId: 'r-1', attempts: 1, totalRetryDelay: 0 },
  });
  assert.deepEqual(sdkDetails(new Error('outer', { cause: sdkError })), [
    'aws sdk: AccessDeniedException, fault client, HTTP 403, request id r-1, 1 attempt(s), 0 ms retry delay',
  ]);
});

test('progress: steps with elapsed time on a terminal only, never with --output json', async () => {
  const written: string[] = [];
  const tty = { isTTY: true, write: (s: string) => written.push(s) };
  const progress = new Progress(progressPrinter(tty));
  assert.equal(await progress.step('bundle', 'cli', async () => ({ value: 2, detail: '2 functions' })), 2);
  progress.line('Deploying a…');
  await assert.rejects(
    progress.step('deploy', 'cli', async () => {
      throw new Error('boom');
    }),
    /^Error: boom$/,
  );
  assert.match(written[0]!, /^\[0:00\] … bundle\n$/);
  assert.match(written[1]!, /^\[0:00\] ✓ bundle \(0\.\d s\): 2 functions\n$/);
  assert.match(written[2]!, /^\[0:00\] {3}Deploying a…\n$/);
  assert.match(written[4]!, /✗ deploy .*: boom\n$/);
  assert.deepEqual(
    progress.steps.map((s) => [s.step, s.ok]),
    [
      ['bundle', true],
      ['deploy', false],
    ],
  );
  assert.equal(progressPrinter({ isTTY: false, write: () => true }), undefined);
  withGlobals({ output: 'json' }, () => assert.equal(progressPrinter(tty), undefined));
});

const CONFIG = `workflow_name: demo
workflow_version: 0.0.1
iam_policy_file: iam_policy.json
home_region:
  provider: aws
  region: mars-north-9
regions_and_providers:
  allowed_regions:
    - provider: aws
      region: mars-north-9
    - provider: aws
      region: eu-nort-1
  disallowed_regions: null
  providers:
    aws:
      config:
        memory: 128
        timeout: 60
`;

test('unknown-region: config.yml regions that are not AWS region codes are rejected with file:line:column', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-regions-'));
  try {
    writeFileSync(path.join(dir, 'iam_policy.json'), '{"aws": {"Version": "2012-10-17", "Statement": []}}');
    const file = path.join(dir, 'config.yml');
    assert.throws(
      () => parseWorkflowConfig(CONFIG, file, path.dirname(dir)),
      (e: Error) => {
        assert.ok(e instanceof ConfigError);
        const unknown = e.problems.filter((p) => /unknown AWS region/.test(p.message));
        assert.deepEqual(
          unknown.map((p) => [p.line, p.column, p.message.split(':')[0]]),
          [
            [6, 11, 'home_region.region'],
            [10, 15, 'regions_and_providers.allowed_regions.0.region'],
            [12, 15, 'regions_and_providers.allowed_regions.1.region'],
          ],
        );
        assert.match(
          unknown[2]!.message,
          /unknown AWS region "eu-nort-1" \(expected an AWS region code such as eu-north-1; did you mean eu-north-1\?\)$/,
        );
        assert.match(
          e.message,
          new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:6:11: home_region\\.region: unknown AWS region "mars-north-9"`),
        );
        return true;
      },
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("unknown-region: a function's regionsAndProviders in app.ts is checked at its call site", () => {
  const location = { file: 'app.ts', line: 7, column: 3 };
  const diagnostics = unknownFunctionRegions({
    name: 'first',
    location,
    regionsAndProviders: {
      allowedRegions: [
        { provider: 'aws', region: 'eu-north-1' },
        { provider: 'aws', region: 'mars-north-9' },
      ],
      disallowedRegions: null,
    },
  });
  assert.deepEqual(
    diagnostics.map((d) => [d.file, d.line, d.column, d.rule]),
    [['app.ts', 7, 3, 'unknown-region']],
  );
  assert.match(diagnostics[0]!.message, /function first regionsAndProviders: unknown AWS region "mars-north-9"/);
  assert.deepEqual(unknownFunctionRegions({ name: 'f', location, regionsAndProviders: null }), []);
  assert.ok(
    isKnownRegion('us-east-1') && isKnownRegion('ap-southeast-7') && !isKnownRegion('mars-north-9') && !isKnownRegion('aws:us-east-1'),
  );
});
