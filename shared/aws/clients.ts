// AWS SDK v3 clients, built lazily once per process and configured only through the SDK's standard
// environment (AWS_REGION, AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, credentials chain): the same
// code talks to AWS and to local mode. Regional clients are cached per region.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { IAMClient } from '@aws-sdk/client-iam';

function lazyRegional<T>(make: (region: string | undefined) => T): (region?: string) => T {
  const cache = new Map<string, T>();
  return (region) => {
    const key = region ?? '';
    let client = cache.get(key);
    if (!client) {
      client = make(region);
      cache.set(key, client);
    }
    return client;
  };
}

/** With CARIBOU_DEBUG (`caribou --debug`), one stderr line per AWS call: client, command, status, request id, attempts, time. */
const debugLogger = {
  debug: () => {},
  info: (entry: unknown) => {
    const e = entry as {
      clientName?: string;
      commandName?: string;
      metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number };
    };
    if (!e?.clientName) return;
    const m = e.metadata ?? {};
    process.stderr.write(
      `[aws] ${e.clientName}.${e.commandName} → ${m.httpStatusCode ?? '?'} request ${m.requestId ?? '?'} attempts ${m.attempts ?? 1}\n`,
    );
  },
  warn: (...args: unknown[]) => process.stderr.write(`[aws] warn ${args.map(String).join(' ')}\n`),
  error: (entry: unknown) => {
    const e = entry as { clientName?: string; commandName?: string; error?: { name?: string; message?: string } };
    process.stderr.write(`[aws] ${e?.clientName}.${e?.commandName} failed: ${e?.error?.name ?? ''} ${e?.error?.message ?? ''}\n`);
  },
};

const opts = (region: string | undefined) => ({
  ...(region ? { region } : {}),
  ...(process.env.CARIBOU_DEBUG ? { logger: debugLogger } : {}),
});

export const clients = {
  dynamo: lazyRegional((region) => new DynamoDBClient(opts(region))),
  doc: lazyRegional((region) =>
    DynamoDBDocumentClient.from(new DynamoDBClient(opts(region)), { marshallOptions: { removeUndefinedValues: true } }),
  ),
  sqs: lazyRegional((region) => new SQSClient(opts(region))),
  events: lazyRegional((region) => new EventBridgeClient(opts(region))),
  lambda: lazyRegional((region) => new LambdaClient(opts(region))),
  s3: lazyRegional(
    (region) => new S3Client({ ...opts(region), forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL || process.env.AWS_ENDPOINT_URL_S3) }),
  ),
  logs: lazyRegional((region) => new CloudWatchLogsClient(opts(region))),
  cloudwatch: lazyRegional((region) => new CloudWatchClient(opts(region))),
  iam: lazyRegional((region) => new IAMClient(opts(region))),
};
