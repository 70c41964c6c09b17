// Idempotency for every consumer of internal events: Powertools idempotency on DynamoDB, keyed by
// the event's meta.idempotency_key (the task id), with an explicit per-service key prefix (outside
// Lambda the default prefix is empty, so two services would share keys) and throwOnNoIdempotencyKey
// (otherwise every event without a key hashes `null` and shares one record).
import type { Context } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { InternalActionMessage } from '../contracts/internal.js';

export const IDEMPOTENCY_KEY_PATH = 'meta.idempotency_key';
/** Long enough to cover the orchestrator's retries of one task (sosw: up to 3 attempts × 15 min). */
export const IDEMPOTENCY_EXPIRY_S = 7 * 24 * 3600;

/** `client`: a DynamoDB client of one's own (tests and benchmarks count its calls); default: Powertools' own. */
export function dynamoPersistence(tableName: string, client?: DynamoDBClient): BasePersistenceLayer {
  return new DynamoDBPersistenceLayer({
    tableName,
    keyAttr: 'id',
    expiryAttr: 'expiration',
    ...(client ? { awsSdkV3Client: client } : {}),
  });
}

export interface IdempotentConsumer<R> {
  (message: InternalActionMessage): Promise<R>;
  /** The in-progress lock expires with the Lambda's remaining time: register each invocation's context. */
  registerContext(context: Context): void;
}

export function idempotentConsumer<R>(
  service: string,
  process: (message: InternalActionMessage) => Promise<R>,
  persistenceStore: BasePersistenceLayer,
): IdempotentConsumer<R> {
  if (!service) throw new Error('idempotentConsumer needs a service name for its key prefix');
  const config = new IdempotencyConfig({
    eventKeyJmesPath: IDEMPOTENCY_KEY_PATH,
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: IDEMPOTENCY_EXPIRY_S,
  });
  const wrapped = makeIdempotent(process, { persistenceStore, config, keyPrefix: service, dataIndexArgument: 0 });
  const consumer = ((message: InternalActionMessage) => wrapped(message)) as IdempotentConsumer<R>;
  consumer.registerContext = (context) => config.registerLambdaContext(context);
  return consumer;
}
