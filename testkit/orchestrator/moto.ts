// The emulator (../harness/emulator.ts) for the orchestrator's tests, with the three task tables
// created exactly as shared/manifest/tables.ts declares them, and AWS clients pointed at it that count
// every API call they make.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { TableNames } from '../../shared/orchestrator/task-store.js';
import { EMULATOR_CREDENTIALS, EMULATOR_REGION, createTables, startEmulator } from '../emulator.js';

export const REGION = EMULATOR_REGION;

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

/** The orchestrator's task tables, and the idempotency table the test labourer's consumer uses. */
export type TaskTables = TableNames & { idempotency: string };

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
  /** Creates the tasks, closed-tasks and retry-tasks tables (and the labourers' idempotency table) under a fresh prefix. */
  createTaskTables(prefix: string): Promise<TaskTables>;
  stop(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  const emulator = await startEmulator();
  const endpoint = emulator.url;
  const counter = new CallCounter();
  const config = { region: REGION, endpoint, credentials: EMULATOR_CREDENTIALS, maxAttempts: 3 };
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
  return {
    endpoint,
    counter,
    env: emulator.env,
    clients,
    countedClients: makeClients,
    async createTaskTables(prefix) {
      const names = await createTables(prefix, REGION, ['tasks', 'closed-tasks', 'retry-tasks', 'idempotency'], clients().dynamo);
      return { tasks: names.tasks, closed: names['closed-tasks'], retry: names['retry-tasks'], idempotency: names.idempotency };
    },
    stop: () => emulator.stop(),
  };
}
