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

const opts = (region: string | undefined) => (region ? { region } : {});

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
