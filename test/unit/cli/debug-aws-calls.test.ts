// `caribou --debug` (CARIBOU_DEBUG) prints one stderr line per AWS call, from the shared client factory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const clientsModule = fileURLToPath(new URL('../../../shared/aws/clients.ts', import.meta.url));
const script = `
  const { clients } = await import(${JSON.stringify(clientsModule)});
  const { ListQueuesCommand } = await import('@aws-sdk/client-sqs');
  await clients.sqs('us-east-1').send(new ListQueuesCommand({})).catch(() => {});
`;
const env = (debug: boolean) => {
  const e: NodeJS.ProcessEnv = {
    ...process.env,
    AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
    AWS_ACCESS_KEY_ID: 'x',
    AWS_SECRET_ACCESS_KEY: 'x',
    AWS_MAX_ATTEMPTS: '1',
  };
  if (debug) e.CARIBOU_DEBUG = '1';
  else delete e.CARIBOU_DEBUG;
  return e;
};
const run = (debug: boolean) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    env: env(debug),
    encoding: 'utf8',
    timeout: 60_000,
  });

test('with CARIBOU_DEBUG each AWS call is one [aws] line on stderr; without it, none', () => {
  const debug = run(true);
  assert.equal(debug.status, 0, debug.stderr);
  assert.match(debug.stderr, /^\[aws\] SQSClient\.ListQueuesCommand failed: /m);
  const quiet = run(false);
  assert.equal(quiet.status, 0, quiet.stderr);
  assert.doesNotMatch(quiet.stderr, /\[aws\]/);
});
