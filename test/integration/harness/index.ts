// Test harness of local mode for integration and end-to-end suites.
//
//   const local = await startLocalMode({ withStack: true });
//   // process.env now points every AWS SDK client at local mode (local.env has the same values)
//   ...
//   await local.reset();   // between tests: empties queues and tables, keeps the infrastructure
//   await local.stop();    // in after(): detaches (shared system) or stops (own system)
//
// One system per test run: `scripts/run-tests.sh` runs each test file in its own process under one
// `node --test` runner; the first file starts the emulator + runtime (and applies the stack once)
// in a folder named after the runner's pid, later files find it through its state file, and the
// processes exit by themselves when the runner exits. Outside `node --test` the system belongs to
// the test process and `stop()` ends it. `CARIBOU_TEST_LOCAL_STATE_DIR=.local` reuses a local mode
// started with `caribou local up` instead (fast iteration; nothing is stopped).
import { execFile } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ListQueuesCommand, PurgeQueueCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchWriteItemCommand, DescribeTableCommand, DynamoDBClient, ListTablesCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { down, localEnv, readState, up, type LocalModeState } from '../../../local/mode.js';
import { isAlive } from '../../../local/processes.js';

export { eventually } from './eventually.js';

export interface StartOptions {
  /** Apply the control-plane stack (once per test run; later calls reuse it). */
  withStack?: boolean;
  /** Copy the local-mode variables into process.env (default true). */
  applyEnv?: boolean;
}

export interface LocalModeHandle {
  /** AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_LAMBDA, dummy credentials, region (+ CARIBOU_PREFIX with the stack). */
  env: Record<string, string>;
  endpoints: { emulator: string; runtime: string };
  region: string;
  prefix: string;
  state: LocalModeState;
  /** Empties every queue (purge) and every table of the stack's prefix; infrastructure stays. */
  reset(): Promise<void>;
  /** Speeds up / moves the runtime's schedule clock (restore with { speed: 1 }). */
  setClock(options: { speed?: number; nowIso?: string }): Promise<void>;
  /** Runs the real `aws` CLI against local mode and parses its JSON output. */
  aws(args: string[], target?: 'emulator' | 'runtime'): Promise<unknown>;
  stop(): Promise<void>;
}

const TEST_DIR_PREFIX = 'caribou-local-test-';

/** Removes folders of earlier test runs whose runner is gone. */
function cleanStale(): void {
  for (const name of readdirSync(os.tmpdir())) {
    if (!name.startsWith(TEST_DIR_PREFIX)) continue;
    const pid = Number(name.slice(TEST_DIR_PREFIX.length));
    if (pid && !isAlive(pid)) rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}

export async function startLocalMode(options: StartOptions = {}): Promise<LocalModeHandle> {
  const reuseDir = process.env.CARIBOU_TEST_LOCAL_STATE_DIR;
  // Under `node --test` each file is a child of the runner: share one system per runner.
  const underRunner = process.env.NODE_TEST_CONTEXT !== undefined;
  const ownerPid = reuseDir ? undefined : underRunner ? process.ppid : process.pid;
  let state: LocalModeState;
  if (reuseDir) {
    const found = readState(path.resolve(reuseDir));
    if (!found) throw new Error(`CARIBOU_TEST_LOCAL_STATE_DIR=${reuseDir} has no running local mode; run \`caribou local up\` first`);
    state = options.withStack && !found.stack ? await up({ stateDir: found.stateDir, withStack: true }) : found;
  } else {
    cleanStale();
    const stateDir = path.join(os.tmpdir(), `${TEST_DIR_PREFIX}${ownerPid}`);
    const log = process.env.CARIBOU_TEST_VERBOSE ? (line: string) => process.stderr.write(`[local] ${line}\n`) : undefined;
    state = await up({ stateDir, emulatorPort: 0, runtimePort: 0, withStack: options.withStack, ownerPid, removeStateOnExit: true, log });
  }
  const env = localEnv(state);
  if (options.applyEnv !== false) Object.assign(process.env, env);
  const clientConfig = {
    region: state.region,
    endpoint: state.emulator.url,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  };

  return {
    env,
    endpoints: { emulator: state.emulator.url, runtime: state.runtime.url },
    region: state.region,
    prefix: state.prefix,
    state,
    async reset() {
      const sqs = new SQSClient(clientConfig);
      const ddb = new DynamoDBClient(clientConfig);
      const queues = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
      await Promise.all(queues.map((QueueUrl) => sqs.send(new PurgeQueueCommand({ QueueUrl }))));
      const tables = ((await ddb.send(new ListTablesCommand({}))).TableNames ?? []).filter((t) => t.startsWith(`${state.prefix}-`));
      for (const TableName of tables) {
        const keys = (await ddb.send(new DescribeTableCommand({ TableName }))).Table?.KeySchema?.map((k) => k.AttributeName!) ?? [];
        let start: Record<string, never> | undefined;
        do {
          const page = await ddb.send(
            new ScanCommand({
              TableName,
              ExclusiveStartKey: start,
              ProjectionExpression: keys.map((_, i) => `#k${i}`).join(','),
              ExpressionAttributeNames: Object.fromEntries(keys.map((k, i) => [`#k${i}`, k])),
            }),
          );
          const items = page.Items ?? [];
          for (let i = 0; i < items.length; i += 25) {
            await ddb.send(
              new BatchWriteItemCommand({
                RequestItems: { [TableName]: items.slice(i, i + 25).map((Key) => ({ DeleteRequest: { Key } })) },
              }),
            );
          }
          start = page.LastEvaluatedKey as Record<string, never> | undefined;
        } while (start);
      }
      sqs.destroy();
      ddb.destroy();
    },
    async setClock(clock) {
      const response = await fetch(`${state.runtime.url}/_local/clock`, { method: 'POST', body: JSON.stringify(clock) });
      if (!response.ok) throw new Error(`setting the runtime clock failed: HTTP ${response.status} ${await response.text()}`);
    },
    async aws(args, target = 'emulator') {
      const endpoint = target === 'runtime' ? state.runtime.url : state.emulator.url;
      const { stdout } = await promisify(execFile)(
        'aws',
        ['--endpoint-url', endpoint, '--region', state.region, '--output', 'json', ...args],
        {
          env: { ...process.env, ...env, AWS_PAGER: '' },
          maxBuffer: 16 * 1024 * 1024,
        },
      );
      return stdout.trim() ? (JSON.parse(stdout) as unknown) : undefined;
    },
    async stop() {
      if (reuseDir || underRunner) return; // shared: the processes exit with the test runner
      await down(state.stateDir);
      rmSync(state.stateDir, { recursive: true, force: true });
    },
  };
}

/** Every log message of a function's `/aws/lambda/<name>` group (all streams), in time order. */
export async function functionLogs(functionName: string, region = process.env.AWS_REGION ?? 'us-east-1'): Promise<string[]> {
  const logs = new CloudWatchLogsClient({ region });
  const events: { timestamp: number; message: string }[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}`, nextToken: token }));
      for (const e of page.events ?? []) events.push({ timestamp: e.timestamp ?? 0, message: e.message ?? '' });
      token = page.nextToken;
    } while (token);
  } catch (error) {
    if ((error as Error).name === 'ResourceNotFoundException') return [];
    throw error;
  } finally {
    logs.destroy();
  }
  return events.sort((a, b) => a.timestamp - b.timestamp).map((e) => e.message);
}
