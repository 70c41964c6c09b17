// A plain moto server on a free loopback port for the orchestrator's tests (until the local-mode
// harness is merged), with the three task tables created exactly as terraform/tables.ts declares
// them, and AWS clients pointed at it that count every API call they make.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateTableCommand, DynamoDBClient, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { tableSpec, type TableId, type TableSpec } from '../../../terraform/tables.js';
import type { TableNames } from '../../../shared/orchestrator/task-store.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const REGION = 'us-east-1';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Counts API calls per client ("dynamodb", "sqs", ...) and operation. */
export class CallCounter {
  readonly calls = new Map<string, number>();
  /** Total milliseconds spent in each operation (emulator latency included). */
  readonly ms = new Map<string, number>();
  total(prefix = ''): number {
    let n = 0;
    for (const [key, value] of this.calls) if (key.startsWith(prefix)) n += value;
    return n;
  }
  reset(): void {
    this.calls.clear();
    this.ms.clear();
  }
}

function counted<T extends { middlewareStack: { add: Function } }>(client: T, service: string, counter: CallCounter): T {
  client.middlewareStack.add(
    (next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const key = `${service}:${context.commandName ?? '?'}`;
      counter.calls.set(key, (counter.calls.get(key) ?? 0) + 1);
      const t0 = performance.now();
      try {
        return await next(args);
      } finally {
        counter.ms.set(key, (counter.ms.get(key) ?? 0) + performance.now() - t0);
      }
    },
    { step: 'initialize', name: `count-${service}` },
  );
  return client;
}

export interface AwsClients {
  dynamo: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  sqs: SQSClient;
  events: EventBridgeClient;
  cloudwatch: CloudWatchClient;
}

export interface Moto {
  endpoint: string;
  env: Record<string, string>;
  counter: CallCounter;
  clients(): AwsClients;
  /** A separate set of clients counting into its own counter (to attribute calls to a component). */
  countedClients(counter: CallCounter): AwsClients;
  /** Creates the tasks, closed-tasks and retry-tasks tables under a fresh prefix. */
  createTaskTables(prefix: string): Promise<TableNames>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('python3', [path.join(here, 'moto_server.py'), String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => (stderr += String(chunk)));
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`moto did not start on ${endpoint}: ${stderr.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const counter = new CallCounter();
  const config = { region: REGION, endpoint, credentials: CREDENTIALS, maxAttempts: 3 };
  const makeClients = (into: CallCounter): AwsClients => {
    const dynamo = counted(new DynamoDBClient(config), 'dynamodb', into);
    return {
      dynamo,
      doc: DynamoDBDocumentClient.from(dynamo, { marshallOptions: { removeUndefinedValues: true } }),
      sqs: counted(new SQSClient(config), 'sqs', into),
      events: counted(new EventBridgeClient(config), 'events', into),
      cloudwatch: counted(new CloudWatchClient(config), 'cloudwatch', into),
    };
  };
  let cached: AwsClients | undefined;
  const clients = () => (cached ??= makeClients(counter));
  const createTable = async (spec: TableSpec, name: string) => {
    const attributes = new Map<string, 'S' | 'N'>();
    const add = (a: { name: string; type: 'S' | 'N' } | undefined) => a && attributes.set(a.name, a.type);
    add(spec.hashKey);
    add(spec.rangeKey);
    for (const index of spec.globalIndexes ?? []) {
      add(index.hashKey);
      add(index.rangeKey);
    }
    const indexes: GlobalSecondaryIndex[] = (spec.globalIndexes ?? []).map((index) => ({
      IndexName: index.name,
      KeySchema: [{ AttributeName: index.hashKey.name, KeyType: 'HASH' }, ...(index.rangeKey ? [{ AttributeName: index.rangeKey.name, KeyType: 'RANGE' as const }] : [])],
      Projection: index.nonKeyAttributes ? { ProjectionType: 'INCLUDE', NonKeyAttributes: index.nonKeyAttributes } : { ProjectionType: 'ALL' },
    }));
    await clients().dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: [{ AttributeName: spec.hashKey.name, KeyType: 'HASH' }, ...(spec.rangeKey ? [{ AttributeName: spec.rangeKey.name, KeyType: 'RANGE' as const }] : [])],
        ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
      }),
    );
  };
  return {
    endpoint,
    counter,
    env: { AWS_ENDPOINT_URL: endpoint, AWS_REGION: REGION, AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey },
    clients,
    countedClients: makeClients,
    async createTaskTables(prefix) {
      const ids: [keyof TableNames, TableId][] = [
        ['tasks', 'tasks'],
        ['closed', 'closed-tasks'],
        ['retry', 'retry-tasks'],
      ];
      const names = {} as TableNames;
      for (const [key, id] of ids) {
        names[key] = `${prefix}-${id}`;
        await createTable(tableSpec(id), names[key]!);
      }
      return names;
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
