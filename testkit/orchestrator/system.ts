// A small running system on moto for the orchestrator's scenario tests and benchmark: the bus with
// the labourer's rule (source caribou.orchestrator only) to its queue, the orchestrator's own queue
// for nudges, an orchestrator driver that runs a cycle per batch of nudges and on a timer (the
// schedule), and a test labourer that consumes its queue through the production labourer handler
// (shared/labourer/consumer.ts: checks, idempotency, run-and-report through the WorkerAssistant).
import { CreateEventBusCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import type { Context, SQSEvent } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateQueueCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  type Message,
} from '@aws-sdk/client-sqs';
import { INTERNAL_EVENT_SOURCE, internalDetailType, type InternalActionMessage } from '../../shared/contracts/internal.js';
import type { InternalActionType } from '../../shared/contracts/actions.js';
import { unwrapBody } from '../../shared/aws/sqs-envelope.js';
import { runCycle, type CycleDeps, type CycleStats } from '../../services/orchestrator/core/cycle.js';
import { SqsNudger } from '../../shared/orchestrator/dispatcher.js';
import { EventBridgeReleaser } from '../../services/orchestrator/adapters/eventbridge-releaser.js';
import { taskReporter, WorkerAssistant } from '../../shared/orchestrator/worker-assistant.js';
import { labourerHandler } from '../../shared/labourer/consumer.js';
import { dynamoPersistence } from '../../shared/guards/idempotency.js';
import type { AwsClients, Moto, TaskTables } from './moto.js';
import { sleep } from './support.js';

export interface Wiring {
  busName: string;
  labourerQueueUrl: string;
  orchestratorQueueUrl: string;
}

export async function wire(moto: Moto, prefix: string, types: InternalActionType[] = ['sync_workflow']): Promise<Wiring> {
  const { events, sqs } = moto.clients();
  const busName = `${prefix}-bus`;
  await events.send(new CreateEventBusCommand({ Name: busName }));
  const labourerQueueUrl = (
    await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-labourer`, Attributes: { VisibilityTimeout: '30' } }))
  ).QueueUrl!;
  const orchestratorQueueUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${prefix}-orchestrator` }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: labourerQueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  for (const type of types) {
    const rule = `${prefix}-${type}`;
    await events.send(
      new PutRuleCommand({
        Name: rule,
        EventBusName: busName,
        EventPattern: JSON.stringify({ source: [INTERNAL_EVENT_SOURCE], 'detail-type': [internalDetailType(type)] }),
      }),
    );
    await events.send(new PutTargetsCommand({ Rule: rule, EventBusName: busName, Targets: [{ Id: 'labourer', Arn: arn }] }));
  }
  return { busName, labourerQueueUrl, orchestratorQueueUrl };
}

async function receive(aws: AwsClients, queueUrl: string, waitS: number): Promise<Message[]> {
  const out = await aws.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: waitS }));
  return out.Messages ?? [];
}

async function remove(aws: AwsClients, queueUrl: string, messages: Message[]): Promise<void> {
  if (messages.length === 0) return;
  await aws.sqs.send(
    new DeleteMessageBatchCommand({
      QueueUrl: queueUrl,
      Entries: messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
    }),
  );
}

/** Runs the orchestrator like the deployed function: one cycle per batch of nudges, and on a timer. */
export class OrchestratorDriver {
  readonly cycles: CycleStats[] = [];
  /** Epoch ms at which each cycle (same index) finished. */
  readonly cycleEndsMs: number[] = [];
  private running = false;
  private loop?: Promise<void>;

  constructor(
    private readonly moto: Moto,
    private readonly wiring: Wiring,
    private readonly deps: Omit<CycleDeps, 'releaser' | 'owner'>,
    private readonly tickMs = 1000,
    /** Clients of the orchestrator itself (default: the shared ones). */
    private readonly aws: AwsClients = moto.clients(),
  ) {}

  start(): void {
    this.running = true;
    this.loop = (async () => {
      const releaser = new EventBridgeReleaser(this.aws.events, this.wiring.busName);
      let last = 0;
      while (this.running) {
        const nudges = await receive(this.aws, this.wiring.orchestratorQueueUrl, 0);
        if (nudges.length === 0 && Date.now() - last < this.tickMs) {
          await sleep(20);
          continue;
        }
        await remove(this.aws, this.wiring.orchestratorQueueUrl, nudges);
        last = Date.now();
        this.cycles.push(await runCycle({ ...this.deps, releaser, owner: `driver-${this.cycles.length}` }));
        this.cycleEndsMs.push(Date.now());
      }
    })();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

export interface LabourerOptions {
  /** How long each task's work takes. */
  workMs: number;
  /** True: this delivery crashes silently (no report; its message is gone, as with a dead Lambda). */
  crash?: (message: InternalActionMessage) => boolean;
}

/** A labourer service stand-in: polls its queue like Lambda's event source mapping and hands each message, concurrently, to the production labourer handler. */
export class TestLabourer {
  inFlight = 0;
  maxInFlight = 0;
  readonly executions = new Map<string, number>();
  readonly effects = new Map<string, number>();
  readonly crashes = new Map<string, number>();
  private running = false;
  private loop?: Promise<void>;
  private readonly handler: ReturnType<typeof labourerHandler>;
  private readonly poller: AwsClients;
  /** Per task: marks its work finished (the work ends before its report, which may refill the slot). */
  private readonly workDone = new Map<string, () => void>();

  constructor(
    moto: Moto,
    private readonly wiring: Wiring,
    tables: TaskTables,
    private readonly options: LabourerOptions,
    /** Clients of the labourer's reports and idempotency records, and of the queue polling Lambda would do (default: shared). */
    clients: { reports?: AwsClients; poller?: AwsClients } = {},
    types: readonly InternalActionType[] = ['sync_workflow'],
  ) {
    const reports = clients.reports ?? moto.clients();
    this.poller = clients.poller ?? moto.clients();
    const assistant = new WorkerAssistant({
      doc: reports.doc,
      tasksTable: tables.tasks,
      nudger: new SqsNudger(reports.sqs, wiring.orchestratorQueueUrl),
    });
    this.handler = labourerHandler({
      service: 'test-labourer',
      types,
      persistence: dynamoPersistence(tables.idempotency, reports.dynamo),
      reporter: taskReporter(assistant),
      logger: new Logger({ serviceName: 'caribou-test-labourer', logLevel: 'SILENT' }),
      process: (message) => this.work(message),
    });
  }

  start(): void {
    this.running = true;
    const pending = new Set<Promise<void>>();
    this.loop = (async () => {
      while (this.running) {
        const messages = await receive(this.poller, this.wiring.labourerQueueUrl, 0);
        if (messages.length === 0) {
          await sleep(20);
          continue;
        }
        for (const message of messages) {
          const p = this.handle(message).finally(() => pending.delete(p));
          pending.add(p);
        }
      }
      await Promise.all(pending);
    })();
  }

  private async work(message: InternalActionMessage): Promise<unknown> {
    const id = message.meta.task_id!;
    try {
      await sleep(this.options.workMs);
      this.effects.set(id, (this.effects.get(id) ?? 0) + 1);
      return { workflow_id: (message.event as { workflow_id?: string }).workflow_id ?? null };
    } finally {
      this.workDone.get(id)?.();
    }
  }

  private async handle(raw: Message): Promise<void> {
    const message = unwrapBody(raw.Body!).payload as InternalActionMessage;
    const id = message.meta.task_id!;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    let busy = true;
    const done = () => {
      if (busy) this.inFlight--;
      busy = false;
    };
    this.workDone.set(id, done);
    let failed = false;
    try {
      this.executions.set(id, (this.executions.get(id) ?? 0) + 1);
      if (this.options.crash?.(message)) {
        this.crashes.set(id, (this.crashes.get(id) ?? 0) + 1);
        return;
      }
      const event = {
        Records: [{ messageId: raw.MessageId!, receiptHandle: raw.ReceiptHandle!, body: raw.Body!, eventSource: 'aws:sqs' }],
      } as unknown as SQSEvent;
      const context = {
        awsRequestId: raw.MessageId!,
        functionName: 'test-labourer',
        getRemainingTimeInMillis: () => 900_000,
      } as unknown as Context;
      failed = (await this.handler(event, context)).batchItemFailures.length > 0;
    } finally {
      done();
      if (this.workDone.get(id) === done) this.workDone.delete(id);
      // As Lambda's event source mapping: a batch item failure stays on the queue for redelivery.
      if (!failed) await remove(this.poller, this.wiring.labourerQueueUrl, [raw]);
    }
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }
}

export async function until(condition: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}
