// Polls the SQS queue of one event source mapping as Lambda does: batches up to the mapping's
// batch size (collecting for up to its batching window), at most `maxConcurrency` batches in
// flight, deletes what succeeded (honouring `batchItemFailures` when the mapping reports them)
// and leaves the rest to the queue's visibility timeout and redrive policy.
import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { clientsFor } from './clients.js';
import type { MappingConfig } from './discovery.js';
import type { InvocationResult } from './worker-pool.js';

/** Lambda's default when ScalingConfig.MaximumConcurrency is not set scales far higher; locally
 * two concurrent batches keep a 2-core machine responsive. */
export const DEFAULT_MAPPING_CONCURRENCY = 2;
/** One long-polling receiver per mapping keeps an idle system at ~1 SQS call per mapping per 5 s. */
const LONG_POLL_S = 5;

export type Invoke = (functionArn: string, event: unknown) => Promise<InvocationResult>;

export interface PollerStats {
  batches: number;
  received: number;
  deleted: number;
  failed: number;
  lastError?: string;
}

export function sqsRecord(message: Message, queueArn: string): Record<string, unknown> {
  const region = queueArn.split(':')[3];
  const messageAttributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = {
      stringValue: value.StringValue,
      binaryValue: value.BinaryValue ? Buffer.from(value.BinaryValue).toString('base64') : undefined,
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((b) => Buffer.from(b).toString('base64')),
      dataType: value.DataType,
    };
  }
  return {
    messageId: message.MessageId,
    receiptHandle: message.ReceiptHandle,
    body: message.Body ?? '',
    attributes: message.Attributes ?? {},
    messageAttributes,
    md5OfMessageAttributes: message.MD5OfMessageAttributes ?? null,
    md5OfBody: message.MD5OfBody,
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** Which messages to delete after an invocation, per Lambda's partial batch response rules. */
export function messagesToDelete(messages: Message[], result: InvocationResult, reportBatchItemFailures: boolean): Message[] {
  if (!result.ok) return [];
  if (!reportBatchItemFailures) return messages;
  const payload = result.payload as { batchItemFailures?: Array<{ itemIdentifier?: unknown }> } | null | undefined;
  const failures = payload && typeof payload === 'object' ? payload.batchItemFailures : undefined;
  if (failures === undefined || failures === null) return messages;
  if (!Array.isArray(failures)) return [];
  const ids = new Set(messages.map((m) => m.MessageId));
  const failed = new Set<string>();
  for (const f of failures) {
    // An empty or unknown identifier makes Lambda treat the whole batch as failed.
    if (typeof f?.itemIdentifier !== 'string' || !ids.has(f.itemIdentifier)) return [];
    failed.add(f.itemIdentifier);
  }
  return messages.filter((m) => !failed.has(m.MessageId!));
}

export class MappingPoller {
  readonly stats: PollerStats = { batches: 0, received: 0, deleted: 0, failed: 0 };
  private running = false;
  private readonly abort = new AbortController();
  private loops: Promise<void>[] = [];
  private queueUrl?: string;

  constructor(
    readonly config: MappingConfig,
    private readonly invoke: Invoke,
    private readonly log: (line: string) => void,
  ) {}

  private inFlight = 0;
  private slotFreed?: () => void;

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops.push(this.loop());
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    this.slotFreed?.();
    await Promise.allSettled(this.loops);
  }

  private get limit(): number {
    return Math.max(1, this.config.maxConcurrency ?? DEFAULT_MAPPING_CONCURRENCY);
  }

  private get region(): string {
    return this.config.queueArn.split(':')[3]!;
  }

  private async url(): Promise<string> {
    if (!this.queueUrl) {
      const [, , , , account, name] = this.config.queueArn.split(':');
      const out = await clientsFor(this.region).sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account }));
      this.queueUrl = out.QueueUrl!;
    }
    return this.queueUrl;
  }

  private async receiveBatch(): Promise<Message[]> {
    const sqs = clientsFor(this.region).sqs;
    const url = await this.url();
    const batch: Message[] = [];
    const windowEnd = Date.now() + this.config.batchingWindowS * 1000;
    while (this.running && batch.length < this.config.batchSize) {
      const remainingWindowS = Math.ceil((windowEnd - Date.now()) / 1000);
      const waitS = batch.length === 0 ? LONG_POLL_S : Math.max(0, Math.min(LONG_POLL_S, remainingWindowS));
      const out = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: Math.min(10, this.config.batchSize - batch.length),
          WaitTimeSeconds: waitS,
          MessageSystemAttributeNames: ['All'],
          MessageAttributeNames: ['All'],
        }),
        { abortSignal: this.abort.signal },
      );
      const got = out.Messages ?? [];
      for (const m of got) {
        // A message whose visibility expired while the window was open comes back: keep the newest receipt.
        const seen = batch.findIndex((b) => b.MessageId === m.MessageId);
        if (seen >= 0) batch[seen] = m;
        else batch.push(m);
      }
      if (batch.length === 0) continue;
      if (got.length === 0 || Date.now() >= windowEnd) break;
    }
    return batch;
  }

  /** One receiver; at most `maxConcurrency` batches are being processed at a time. */
  private async loop(): Promise<void> {
    let backoffMs = 250;
    while (this.running) {
      if (this.inFlight >= this.limit) {
        await new Promise<void>((resolve) => (this.slotFreed = resolve));
        continue;
      }
      try {
        const messages = await this.receiveBatch();
        backoffMs = 250;
        if (messages.length === 0) continue;
        this.inFlight++;
        const batch = this.process(messages).finally(() => {
          this.inFlight--;
          const wake = this.slotFreed;
          this.slotFreed = undefined;
          wake?.();
        });
        this.loops.push(batch);
        void batch.then(() => {
          this.loops = this.loops.filter((p) => p !== batch);
        });
      } catch (error) {
        if (!this.running) return;
        this.failed(error);
        await new Promise((resolve) => setTimeout(resolve, backoffMs));
        backoffMs = Math.min(backoffMs * 2, 5000);
      }
    }
  }

  private failed(error: unknown): void {
    const e = error as Error;
    this.stats.lastError = `${e.name}: ${e.message}`;
    if (e.name === 'QueueDoesNotExist' || e.name === 'AWS.SimpleQueueService.NonExistentQueue') this.queueUrl = undefined;
    this.log(`mapping ${this.config.uuid} (${this.config.queueArn}): ${e.name}: ${e.message}`);
  }

  private async process(messages: Message[]): Promise<void> {
    try {
      this.stats.batches++;
      this.stats.received += messages.length;
      const event = { Records: messages.map((m) => sqsRecord(m, this.config.queueArn)) };
      const result = await this.invoke(this.config.functionArn, event);
      const toDelete = messagesToDelete(messages, result, this.config.reportBatchItemFailures);
      this.stats.failed += messages.length - toDelete.length;
      for (let i = 0; i < toDelete.length; i += 10) {
        const chunk = toDelete.slice(i, i + 10);
        const out = await clientsFor(this.region).sqs.send(
          new DeleteMessageBatchCommand({
            QueueUrl: await this.url(),
            Entries: chunk.map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })),
          }),
        );
        this.stats.deleted += out.Successful?.length ?? 0;
        for (const failure of out.Failed ?? []) {
          this.log(
            `mapping ${this.config.uuid}: could not delete message ${chunk[Number(failure.Id)]?.MessageId}: ${failure.Code} ${failure.Message ?? ''}`,
          );
        }
      }
    } catch (error) {
      // Undeleted messages come back after the visibility timeout, as on AWS.
      this.failed(error);
    }
  }
}
