// The runtime's ports on AWS: DynamoDB state table (home region), S3 payloads, SQS transport, the
// placements table, Powertools logger lines. Clients come from shared/aws/clients (SDK env only).
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { Logger } from '@aws-lambda-powertools/logger';
import { clients } from '../aws/clients.js';
import { TransientError } from '../errors.js';
import { conditionFailed } from '../stores/conditional.js';
import { readPlacement } from '../stores/placements.js';
import type { PayloadRef } from './envelope.js';
import type { ClaimResult, EdgeReport, PayloadStore, PlacementSource, RuntimeLog, StateStore, Transport } from './ports.js';

/** Sync and claim records live one day (DynamoDB TTL attribute `ttl`). */
const TTL_S = 86_400;
const ttl = (now = Date.now()) => Math.floor(now / 1000) + TTL_S;

/** How a BatchGetItem with unprocessed keys is retried (bounded; then the message fails and SQS retries). */
export interface BatchRetry {
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

export const DEFAULT_BATCH_RETRY: BatchRetry = {
  maxRetries: 6,
  baseDelayMs: 50,
  maxDelayMs: 2_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The document client calls the store makes (injected in tests; the lazy shared client otherwise). */
export type DocumentSender = Pick<DynamoDBDocumentClient, 'send'>;

export class DynamoStateStore implements StateStore {
  private readonly batchRetry: BatchRetry;
  constructor(
    private readonly table: string,
    private readonly region?: string,
    private readonly client?: DocumentSender,
    batchRetry: Partial<BatchRetry> = {},
  ) {
    this.batchRetry = { ...DEFAULT_BATCH_RETRY, ...batchRetry };
  }
  private get doc(): DocumentSender {
    return this.client ?? clients.doc(this.region);
  }

  async claimExecution(key: string, owner: string, leaseS: number, now: Date): Promise<ClaimResult> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: key },
          UpdateExpression: 'SET #owner = :owner, #status = :busy, #expires = :expires, #ttl = :ttl',
          ConditionExpression: 'attribute_not_exists(id) OR (#status = :busy AND #expires < :now)',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status', '#expires': 'expires_ms', '#ttl': 'ttl' },
          ExpressionAttributeValues: {
            ':owner': owner,
            ':busy': 'IN_PROGRESS',
            ':expires': now.getTime() + leaseS * 1000,
            ':now': now.getTime(),
            ':ttl': ttl(now.getTime()),
          },
        }),
      );
      return 'claimed';
    } catch (error) {
      if (!conditionFailed(error)) throw error;
    }
    const item = (await this.doc.send(new GetCommand({ TableName: this.table, Key: { id: key }, ConsistentRead: true }))).Item;
    return item?.status === 'COMPLETED' ? 'completed' : 'busy';
  }

  async completeExecution(key: string, owner: string): Promise<void> {
    await this.doc
      .send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: key },
          UpdateExpression: 'SET #status = :done',
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#status': 'status', '#owner': 'owner' },
          ExpressionAttributeValues: { ':done': 'COMPLETED', ':owner': owner },
        }),
      )
      .catch((error) => {
        if (!conditionFailed(error)) throw error;
      });
  }

  async releaseExecution(key: string, owner: string): Promise<void> {
    await this.doc
      .send(
        new DeleteCommand({
          TableName: this.table,
          Key: { id: key },
          ConditionExpression: '#owner = :owner AND #status = :busy',
          ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status' },
          ExpressionAttributeValues: { ':owner': owner, ':busy': 'IN_PROGRESS' },
        }),
      )
      .catch((error) => {
        if (!conditionFailed(error)) throw error;
      });
  }

  async putSyncPayload(runId: string, sync: string, edgeId: string, value: { json?: string; ref?: PayloadRef }): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { id: `syncdata#${runId}#${sync}#${edgeId}`, ...value, ttl: ttl() } }),
    );
  }

  async reportEdge(runId: string, sync: string, edgeId: string, direct: boolean): Promise<EdgeReport> {
    const id = `sync#${runId}#${sync}`;
    const first = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: 'SET #edges = if_not_exists(#edges, :empty), #ttl = :ttl',
        ExpressionAttributeNames: { '#edges': 'edges', '#ttl': 'ttl' },
        ExpressionAttributeValues: { ':empty': {}, ':ttl': ttl() },
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    const second = await this.doc.send(
      new UpdateCommand({
        TableName: this.table,
        Key: { id },
        UpdateExpression: direct ? 'SET #edges.#edge = :true' : 'SET #edges.#edge = if_not_exists(#edges.#edge, :false)',
        ExpressionAttributeNames: { '#edges': 'edges', '#edge': edgeId },
        ExpressionAttributeValues: direct ? { ':true': true } : { ':false': false },
        ReturnValues: 'ALL_NEW',
        ReturnConsumedCapacity: 'TOTAL',
      }),
    );
    return {
      edges: (second.Attributes?.edges ?? {}) as Record<string, boolean>,
      consumedWriteCapacity: (first.ConsumedCapacity?.CapacityUnits ?? 0) + (second.ConsumedCapacity?.CapacityUnits ?? 0),
    };
  }

  async claimSync(runId: string, sync: string, claimant: string): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { id: `sync#${runId}#${sync}` },
          UpdateExpression: 'SET #fired = :claimant',
          ConditionExpression: 'attribute_not_exists(#fired) OR #fired = :claimant',
          ExpressionAttributeNames: { '#fired': 'fired_by' },
          ExpressionAttributeValues: { ':claimant': claimant },
        }),
      );
      return true;
    } catch (error) {
      if (conditionFailed(error)) return false;
      throw error;
    }
  }

  async getSyncPayloads(runId: string, sync: string, edgeIds: string[]): Promise<Record<string, { json?: string; ref?: PayloadRef }>> {
    const out: Record<string, { json?: string; ref?: PayloadRef }> = {};
    const prefix = `syncdata#${runId}#${sync}#`;
    for (let i = 0; i < edgeIds.length; i += 100) {
      let keys: Record<string, unknown>[] = edgeIds.slice(i, i + 100).map((e) => ({ id: `${prefix}${e}` }));
      for (let attempt = 0; keys.length > 0; attempt++) {
        if (attempt > 0) {
          // BatchGet leaves keys unprocessed under throttling: back off (exponential, full jitter).
          if (attempt > this.batchRetry.maxRetries) {
            // Never hand a sync node fewer payloads than were sent: fail the message so SQS retries it.
            throw new TransientError(
              `sync node ${sync} of run ${runId}: ${keys.length} payload(s) still unprocessed by BatchGetItem after ${this.batchRetry.maxRetries} retries`,
            );
          }
          const capMs = Math.min(this.batchRetry.maxDelayMs, this.batchRetry.baseDelayMs * 2 ** (attempt - 1));
          await this.batchRetry.sleep(Math.floor(this.batchRetry.random() * capMs));
        }
        const page = await this.doc.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: keys, ConsistentRead: true } } }));
        for (const item of page.Responses?.[this.table] ?? []) {
          const edgeId = String(item.id).slice(prefix.length);
          out[edgeId] = item.ref ? { ref: item.ref as PayloadRef } : { json: String(item.json) };
        }
        keys = (page.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined) ?? [];
      }
    }
    return out;
  }
}

export class S3PayloadStore implements PayloadStore {
  constructor(
    private readonly bucket: string,
    private readonly region?: string,
  ) {}
  async put(key: string, body: string): Promise<PayloadRef> {
    await clients
      .s3(this.region)
      .send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: 'application/json' }));
    return { bucket: this.bucket, key };
  }
  async get(ref: PayloadRef): Promise<string> {
    const response = await clients.s3(this.region).send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    return (await response.Body?.transformToString('utf8')) ?? '';
  }
}

export class SqsTransport implements Transport {
  /**
   * @param duplicateSends fault injection (CARIBOU_FAULT_DUPLICATE_SENDS): send every message twice,
   * the copy delayed by a second, to exercise at-least-once delivery end to end.
   */
  constructor(private readonly duplicateSends = false) {}
  async send(region: string, queueUrl: string, body: string): Promise<void> {
    await clients.sqs(region).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
    if (this.duplicateSends)
      await clients.sqs(region).send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body, DelaySeconds: 1 }));
  }
}

export class DynamoPlacementSource implements PlacementSource {
  constructor(
    private readonly table: string,
    private readonly region?: string,
  ) {}
  get(workflowId: string) {
    return readPlacement(clients.doc(this.region), this.table, workflowId);
  }
}

/** Runtime log lines through the Powertools logger: one JSON object per line (docs/runtime-logs.md). */
export class PowertoolsRuntimeLog implements RuntimeLog {
  readonly logger: Logger;
  constructor(serviceName: string) {
    this.logger = new Logger({ serviceName, persistentKeys: { caribou: true } });
  }
  info(event: string, fields: Record<string, unknown>): void {
    this.logger.info(event, { caribou_event: event, ...fields });
  }
  error(event: string, fields: Record<string, unknown>): void {
    this.logger.error(event, { caribou_event: event, ...fields });
  }
}
