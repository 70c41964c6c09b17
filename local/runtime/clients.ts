// AWS clients of the runtime, one set per region, built lazily. Endpoints and credentials come
// from the SDK's standard environment variables (AWS_ENDPOINT_URL → the emulator).
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { S3Client } from '@aws-sdk/client-s3';

export interface RegionClients {
  lambda: LambdaClient;
  sqs: SQSClient;
  events: EventBridgeClient;
  logs: CloudWatchLogsClient;
}

const cache = new Map<string, RegionClients>();
let s3: S3Client | undefined;

export function clientsFor(region: string): RegionClients {
  let clients = cache.get(region);
  if (!clients) {
    const config = { region, maxAttempts: 2 };
    clients = {
      lambda: new LambdaClient(config),
      sqs: new SQSClient(config),
      events: new EventBridgeClient(config),
      logs: new CloudWatchLogsClient(config),
    };
    cache.set(region, clients);
  }
  return clients;
}

export function s3Client(region = 'us-east-1'): S3Client {
  s3 ??= new S3Client({ region, forcePathStyle: true });
  return s3;
}

/** Commercial regions swept for functions, mappings and scheduled rules. */
export const ALL_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
  'ca-central-1',
  'ca-west-1',
  'sa-east-1',
  'mx-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-central-1',
  'eu-central-2',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'af-south-1',
  'me-south-1',
  'me-central-1',
  'il-central-1',
  'ap-south-1',
  'ap-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'ap-southeast-4',
  'ap-southeast-5',
  'ap-east-1',
];
