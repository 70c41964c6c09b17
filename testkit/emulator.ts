// The integration tests' AWS API emulator: local mode's patched moto launcher on a free loopback
// port, owned by the test process (it exits by itself when that process is gone), plus the
// control-plane tables and artifacts bucket created exactly as shared/manifest/tables.ts declares them.
// For the whole local mode (runtime, stack), use startLocalMode from ./index.ts instead.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, DynamoDBClient, type GlobalSecondaryIndex, type KeySchemaElement } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { launchEmulator } from '../local/emulator/launch.js';
import { freePort, stopGroup } from '../local/processes.js';
import { TABLES, physicalTableName, tableSpec, type KeyAttribute, type TableId, type TableSpec } from '../shared/manifest/tables.js';

export const EMULATOR_REGION = 'us-east-1';
export const EMULATOR_CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

export interface Emulator {
  url: string;
  /** AWS_ENDPOINT_URL, region and dummy credentials for SDK clients (and child processes). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startEmulator(): Promise<Emulator> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-emulator-'));
  const launched = await launchEmulator({ port: await freePort(), logFile: path.join(dir, 'emulator.log'), ownerPid: process.pid });
  return {
    url: launched.url,
    env: {
      AWS_ENDPOINT_URL: launched.url,
      AWS_REGION: EMULATOR_REGION,
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
    },
    async stop() {
      await stopGroup(launched.pid);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function keySchema(hashKey: KeyAttribute, rangeKey?: KeyAttribute): KeySchemaElement[] {
  return [
    { AttributeName: hashKey.name, KeyType: 'HASH' },
    ...(rangeKey ? [{ AttributeName: rangeKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

function createTableCommand(spec: TableSpec, name: string): CreateTableCommand {
  const attributes = new Map<string, 'S' | 'N'>();
  for (const key of [spec.hashKey, spec.rangeKey, ...(spec.globalIndexes ?? []).flatMap((index) => [index.hashKey, index.rangeKey])]) {
    if (key) attributes.set(key.name, key.type);
  }
  const indexes: GlobalSecondaryIndex[] = (spec.globalIndexes ?? []).map((index) => ({
    IndexName: index.name,
    KeySchema: keySchema(index.hashKey, index.rangeKey),
    Projection: index.nonKeyAttributes
      ? { ProjectionType: 'INCLUDE', NonKeyAttributes: index.nonKeyAttributes }
      : { ProjectionType: 'ALL' },
  }));
  return new CreateTableCommand({
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [...attributes].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
    KeySchema: keySchema(spec.hashKey, spec.rangeKey),
    ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
  });
}

/**
 * Creates the tables `ids` (default: every control-plane table) named `<prefix>-<id>`, and returns
 * their physical names by id. `dynamo` defaults to a client configured from the environment.
 */
export async function createTables<I extends TableId>(
  prefix: string,
  region: string,
  ids: readonly I[] = TABLES.map((spec) => spec.id) as I[],
  dynamo: DynamoDBClient = new DynamoDBClient({ region }),
): Promise<Record<I, string>> {
  const names = {} as Record<I, string>;
  for (const id of ids) {
    names[id] = physicalTableName(prefix, id);
    await dynamo.send(createTableCommand(tableSpec(id), names[id]));
  }
  return names;
}

/** Creates the artifacts bucket `<prefix>-artifacts` and returns its name. */
export async function createArtifactsBucket(prefix: string, region: string): Promise<string> {
  const bucket = `${prefix}-artifacts`;
  await new S3Client({ region, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
  return bucket;
}
