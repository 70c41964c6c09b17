// The control plane under faults: a fan-out action through the router core becomes M tasks in the
// orchestrator's tables (DynamoDB on the local-mode emulator), released on the bus within the
// labourer's limit, consumed by the production labourer consumer (labourerHandler: source/meta/hop
// checks, Powertools idempotency on DynamoDB, reports through the WorkerAssistant). Faults: a share
// of first attempts crash (no report: the orchestrator's expiry and retry path), or every message
// is delivered twice (idempotency), or a share of DynamoDB writes fail (the emulator's fault switch).
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { DeleteMessageBatchCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { routeAction } from '../../services/action-router/core.js';
import { labourerHandler } from '../../shared/labourer/consumer.js';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { DynamoTaskStore } from '../../shared/orchestrator/task-store.js';
import { SqsNudger, TaskDispatcher } from '../../shared/orchestrator/dispatcher.js';
import { WorkerAssistant, taskReporter } from '../../shared/orchestrator/worker-assistant.js';
import { CloudWatchMetricReader } from '../../services/orchestrator/adapters/cloudwatch-metrics.js';
import { unwrapBody } from '../../shared/aws/sqs-envelope.js';
import type { InternalActionMessage } from '../../shared/contracts/internal.js';
import type { Moto } from '../../testkit/orchestrator/moto.js';
import { MemoryLog, sleep, testConfig } from '../../testkit/orchestrator/support.js';
import { OrchestratorDriver, wire } from '../../testkit/orchestrator/system.js';

export type ControlFault = 'none' | 'crash-first-attempt' | 'duplicates' | 'dynamodb-throttle';

export interface ControlScenarioResult {
  scenario: string;
  fault: ControlFault;
  tasks_created: number;
  tasks_completed: number;
  tasks_dead: number;
  /** Tasks in no table at the end (neither closed nor still queued, running or awaiting a retry). */
  tasks_lost: number;
  /** Tasks still open in the tables when the scenario stopped (its limit; see docs/reliability.md). */
  tasks_unfinished: number;
  tasks_duplicated: number;
  deliveries: number;
  crashes: number;
  duplicate_deliveries: number;
  dynamodb_errors_injected: number;
  time_to_drain_s: number;
  /** Why the scenario stopped: every task closed, no task closed for the stall window, or the cap. */
  stopped: 'drained' | 'stalled' | 'cap';
  total_s: number;
  tasks_per_s: number;
}

/** No task closed for this long means the system is stuck, not slow: the longest a healthy task can
 * stay open is max_attempts × (max_duration_s + the retry delay) = 4 × (20 + 2) s = 88 s. */
const STALL_S = 120;

export async function runControlScenario(options: {
  moto: Moto;
  fault: ControlFault;
  tasks: number;
  prefix: string;
  setDynamoFaults: (rate: number) => Promise<number>;
  log: (line: string) => void;
}): Promise<ControlScenarioResult> {
  const { moto, fault, tasks, prefix } = options;
  const aws = moto.clients();
  const tables = await moto.createTaskTables(prefix);
  // The idempotency table comes with the task tables (testkit's createTaskTables).
  const idempotency = tables.idempotency;
  const wiring = await wire(moto, prefix);
  const store = new DynamoTaskStore(aws.doc, tables);
  const dispatcher = new TaskDispatcher({ store, nudger: new SqsNudger(aws.sqs, wiring.orchestratorQueueUrl) });
  const effects = new Map<string, number>();
  const counters = { deliveries: 0, crashes: 0, duplicates: 0 };
  const crashed = new Set<string>();
  const handler = labourerHandler({
    service: `bench-${prefix}`,
    types: ['sync_workflow'],
    // As dynamoPersistence (shared/guards/idempotency.ts), on this scenario's emulator.
    persistence: new DynamoDBPersistenceLayer({
      tableName: idempotency,
      keyAttr: 'id',
      expiryAttr: 'expiration',
      awsSdkV3Client: aws.dynamo,
    }),
    reporter: taskReporter(
      new WorkerAssistant({ doc: aws.doc, tasksTable: tables.tasks, nudger: new SqsNudger(aws.sqs, wiring.orchestratorQueueUrl) }),
    ),
    logger: new Logger({ serviceName: 'bench-labourer', logLevel: 'SILENT' }),
    process: async (message) => {
      const id = message.meta.task_id!;
      effects.set(id, (effects.get(id) ?? 0) + 1);
      return { ok: true };
    },
  });
  const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'bench', functionName: 'bench-labourer' } as unknown as Context;

  const t0 = Date.now();
  const answer = await routeAction(
    { action: 'log_sync' },
    {
      version: 'bench',
      listWorkflowIds: async () => Array.from({ length: tasks }, (_, i) => `wf_${i}-0.0.1`),
      listStagedWorkflowIds: async () => [],
      dispatcher,
      isAvailable: () => true,
    },
  );
  if (answer.status !== 200) throw new Error(`log_sync answered ${JSON.stringify(answer)}`);
  const config = testConfig(
    { max_simultaneous_invocations: 50, max_duration_s: 20, cooldown_s: 0, max_attempts: 4 },
    { retry: { base_delay_s: 0.5, max_delay_s: 2, jitter: 0.5 } },
  );
  const driver = new OrchestratorDriver(
    moto,
    wiring,
    { config, store, metrics: new CloudWatchMetricReader(aws.cloudwatch), now: () => Date.now() / 1000, log: new MemoryLog() },
    300,
  );
  let running = true;
  const injectedBefore = fault === 'dynamodb-throttle' ? await options.setDynamoFaults(0.05) : 0;
  const consume = async () => {
    while (running) {
      const page = await aws.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: wiring.labourerQueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      const messages = page.Messages ?? [];
      if (!messages.length) continue;
      const delivered = messages.filter((m) => {
        const meta = (unwrapBody(m.Body!).payload as InternalActionMessage).meta;
        // A crash: the invocation dies before doing or reporting anything; the orchestrator's
        // expiry notices the missing report and releases the task again (attempt 2).
        if (fault === 'crash-first-attempt' && meta.attempt === 1 && Number.parseInt(meta.task_id!.slice(0, 2), 16) % 5 === 0) {
          counters.crashes += 1;
          crashed.add(meta.task_id!);
          return false;
        }
        return true;
      });
      const copies = fault === 'duplicates' ? 2 : 1;
      for (let c = 0; c < copies; c++) {
        if (!delivered.length) break;
        counters.deliveries += delivered.length;
        if (c > 0) counters.duplicates += delivered.length;
        const event = {
          Records: delivered.map((m) => ({ messageId: m.MessageId!, body: m.Body!, eventSource: 'aws:sqs' })),
        } as unknown as SQSEvent;
        const result = await handler(event, context).catch(() => ({
          batchItemFailures: delivered.map((m) => ({ itemIdentifier: m.MessageId! })),
        }));
        const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
        if (c === copies - 1) {
          const done = messages.filter((m) => !failed.has(m.MessageId!));
          if (done.length)
            await aws.sqs.send(
              new DeleteMessageBatchCommand({
                QueueUrl: wiring.labourerQueueUrl,
                Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
              }),
            );
        }
      }
    }
  };
  driver.start();
  const consumers = [consume(), consume(), consume()];
  // The scenario runs until every task is closed or it stops making progress (STALL_S without a
  // task closing); the cap only bounds a pathological run. Throughput is the machine's, not a limit.
  const capMs = Number(process.env.BENCH_RELIABILITY_DRAIN_S ?? 240) * 1000 + tasks * 2000;
  let completed = 0;
  let dead = 0;
  let stopped: ControlScenarioResult['stopped'] = 'drained';
  const tDispatched = Date.now();
  let lastProgress = { closed: 0, atMs: tDispatched };
  let nextReport = tDispatched + 30_000;
  for (;;) {
    completed = await store.countClosed('log-syncer', 'completed').catch(() => completed);
    dead = await store.countClosed('log-syncer', 'dead').catch(() => dead);
    if (completed + dead > lastProgress.closed) lastProgress = { closed: completed + dead, atMs: Date.now() };
    if (completed + dead >= tasks) break;
    if (Date.now() - lastProgress.atMs > STALL_S * 1000) {
      stopped = 'stalled';
      break;
    }
    if (Date.now() - tDispatched > capMs) {
      stopped = 'cap';
      break;
    }
    if (Date.now() >= nextReport) {
      const last = driver.cycles.at(-1)?.labourers['log-syncer'];
      options.log(
        `control ${fault}: ${Math.round((Date.now() - tDispatched) / 1000)} s, ${completed}/${tasks} completed, ${counters.crashes} crashes, running ${last?.release?.running ?? '?'}, retried so far ${driver.cycles.reduce((n, c) => n + (c.labourers['log-syncer']?.scavenge?.retried ?? 0), 0)}`,
      );
      nextReport += 30_000;
    }
    await sleep(500);
  }
  const drainedAt = Date.now();
  const injected = fault === 'dynamodb-throttle' ? (await options.setDynamoFaults(0)) - injectedBefore : 0;
  running = false;
  await Promise.all(consumers);
  await driver.stop();
  // Census of the tables: a task not closed is lost only if it is in none of them.
  const count = async (table: string | undefined) => {
    let n = 0;
    let start: Record<string, unknown> | undefined;
    do {
      // The per-labourer lease row lives in the tasks table too; it is not a task.
      const page = await aws.doc.send(
        new ScanCommand({
          TableName: table,
          Select: 'COUNT',
          ExclusiveStartKey: start,
          FilterExpression: 'NOT begins_with(task_id, :lease)',
          ExpressionAttributeValues: { ':lease': 'lease#' },
        }),
      );
      n += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    return n;
  };
  const open = (await count(tables.tasks)) + (await count(tables.retry));
  const duplicated = [...effects.values()].filter((n) => n > 1).length;
  const totalS = (drainedAt - t0) / 1000;
  options.log(
    `control ${fault}: ${completed}/${tasks} completed, ${dead} dead, ${open} still open (${stopped}), ${duplicated} duplicated, ${counters.crashes} crashes`,
  );
  return {
    scenario: `control plane: ${fault}`,
    fault,
    tasks_created: tasks,
    tasks_completed: completed,
    tasks_dead: dead,
    tasks_lost: Math.max(0, tasks - completed - dead - open),
    tasks_unfinished: open,
    tasks_duplicated: duplicated,
    deliveries: counters.deliveries,
    crashes: counters.crashes,
    duplicate_deliveries: counters.duplicates,
    dynamodb_errors_injected: injected,
    time_to_drain_s: +((drainedAt - tDispatched) / 1000).toFixed(1),
    stopped,
    total_s: +totalS.toFixed(1),
    tasks_per_s: +(completed / totalS).toFixed(2),
  };
}
