// A plain moto server on a free loopback port, for the deployer's AWS calls (no Lambda execution).
// Used until/besides the local-mode harness; each test file starts and stops its own.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { TABLES, physicalTableName } from '../../../terraform/tables.js';

export interface Moto {
  url: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export async function startMoto(): Promise<Moto> {
  const port = await freePort();
  const child: ChildProcess = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      const response = await fetch(`${url}/moto-api/`);
      if (response.ok || response.status < 500) break;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const env = {
    AWS_ENDPOINT_URL: url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  return {
    url,
    env,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await new Promise((r) => child.once('exit', r));
      }
    },
  };
}

/** Creates the control-plane tables (from terraform/tables.ts) and the artifacts bucket. */
export async function createControlPlane(prefix: string, region = 'us-east-1'): Promise<Record<string, string>> {
  const dynamo = new DynamoDBClient({ region });
  const env: Record<string, string> = {};
  for (const spec of TABLES) {
    const name = physicalTableName(prefix, spec.id);
    const attrs = new Map<string, 'S' | 'N'>();
    for (const k of [spec.hashKey, spec.rangeKey, ...(spec.globalIndexes ?? []).flatMap((g) => [g.hashKey, g.rangeKey])]) if (k) attrs.set(k.name, k.type);
    await dynamo.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attrs].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType })),
        KeySchema: [{ AttributeName: spec.hashKey.name, KeyType: 'HASH' }, ...(spec.rangeKey ? [{ AttributeName: spec.rangeKey.name, KeyType: 'RANGE' as const }] : [])],
        ...(spec.globalIndexes
          ? {
              GlobalSecondaryIndexes: spec.globalIndexes.map((g) => ({
                IndexName: g.name,
                KeySchema: [{ AttributeName: g.hashKey.name, KeyType: 'HASH' as const }, ...(g.rangeKey ? [{ AttributeName: g.rangeKey.name, KeyType: 'RANGE' as const }] : [])],
                Projection: { ProjectionType: 'ALL' as const },
              })),
            }
          : {}),
      }),
    );
    env[spec.envVar] = name;
  }
  const bucket = `${prefix}-artifacts`;
  await new S3Client({ region, forcePathStyle: true }).send(new CreateBucketCommand({ Bucket: bucket }));
  env.CARIBOU_ARTIFACTS_BUCKET = bucket;
  return env;
}
