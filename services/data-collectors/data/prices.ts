// Embedded price table: the provider collector's default when the AWS Price List Query API is
// unavailable or denied. Transcribed from AWS's public price pages as of PRICES_AS_OF (first paid
// tier, on-demand, USD). `basis` says per region how each row was obtained:
//  - 'published': the region's own row on the price pages;
//  - 'nearest-published': the region was not on the pages when transcribed; the prices of the
//    named region of the same geography are used (the live collector replaces them).
// Pages: aws.amazon.com/lambda/pricing, aws.amazon.com/sqs/pricing, aws.amazon.com/dynamodb/pricing/on-demand,
// aws.amazon.com/s3/pricing, aws.amazon.com/ec2/pricing/on-demand (Data Transfer section).
// Egress rows follow the Python Caribou's table of the same pages (caribou-spec §8.1).

import type { ProviderDocument } from '../../../shared/contracts/collected-data.js';

export const PRICES_AS_OF = '2025-06-01';
export const PRICES_SOURCE =
  'aws.amazon.com/{lambda,sqs,dynamodb/on-demand,s3,ec2/on-demand#Data_Transfer}/pricing, transcribed ' + PRICES_AS_OF;

/** The price fields of the provider document (shared/contracts/collected-data.ts), and how the row was obtained. */
export type PriceFields = Pick<
  ProviderDocument,
  | 'lambdaUsdPerGBs'
  | 'lambdaUsdPerRequest'
  | 'interRegionEgressUsdPerGB'
  | 'internetEgressUsdPerGB'
  | 'sqsUsdPerRequest'
  | 'dynamoDbUsdPerReadRequestUnit'
  | 'dynamoDbUsdPerWriteRequestUnit'
  | 's3UsdPerPutRequest'
  | 's3UsdPerGetRequest'
>;
export type EmbeddedPrices = PriceFields & { basis: 'published' | `nearest-published:${string}` };

/** Lambda's monthly free tier (every region, both architectures together). */
export const LAMBDA_FREE_TIER = { requests: 1_000_000, gbSeconds: 400_000 };

const M = 1e-6;
/** us-east-1 on every service: the rows most regions share. */
const BASE: EmbeddedPrices = {
  lambdaUsdPerGBs: { x86_64: 0.0000166667, arm64: 0.0000133334 },
  lambdaUsdPerRequest: { x86_64: 0.2 * M, arm64: 0.2 * M },
  interRegionEgressUsdPerGB: 0.02,
  internetEgressUsdPerGB: 0.09,
  sqsUsdPerRequest: 0.4 * M,
  dynamoDbUsdPerReadRequestUnit: 0.125 * M,
  dynamoDbUsdPerWriteRequestUnit: 0.625 * M,
  s3UsdPerPutRequest: 0.005 / 1000,
  s3UsdPerGetRequest: 0.0004 / 1000,
  basis: 'published',
};

type Row = Partial<Omit<EmbeddedPrices, 'basis'>> & { basis?: EmbeddedPrices['basis'] };
const egress = (internet: number, interRegion: number): Row => ({
  internetEgressUsdPerGB: internet,
  interRegionEgressUsdPerGB: interRegion,
});
const lambda = (x86: number, arm: number, requestPerMillion: number): Row => ({
  lambdaUsdPerGBs: { x86_64: x86, arm64: arm },
  lambdaUsdPerRequest: { x86_64: requestPerMillion * M, arm64: requestPerMillion * M },
});
const dynamo = (readPerMillion: number, writePerMillion: number): Row => ({
  dynamoDbUsdPerReadRequestUnit: readPerMillion * M,
  dynamoDbUsdPerWriteRequestUnit: writePerMillion * M,
});
const s3 = (putPer1000: number, getPer1000: number): Row => ({
  s3UsdPerPutRequest: putPer1000 / 1000,
  s3UsdPerGetRequest: getPer1000 / 1000,
});

const ROWS: Record<string, Row> = {
  'us-east-1': {},
  'us-east-2': {},
  'us-west-1': { ...dynamo(0.1395, 0.6975), ...s3(0.0055, 0.00044) },
  'us-west-2': {},
  'af-south-1': {
    ...lambda(0.0000221, 0.0000177, 0.27),
    ...egress(0.154, 0.147),
    sqsUsdPerRequest: 0.52 * M,
    ...dynamo(0.1675, 0.8375),
    ...s3(0.006, 0.00048),
  },
  'ap-east-1': {
    ...lambda(0.00002292, 0.00001833, 0.25),
    ...egress(0.12, 0.09),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1575, 0.7875),
    ...s3(0.0055, 0.00044),
  },
  'ap-east-2': {
    ...lambda(0.00002292, 0.00001833, 0.25),
    ...egress(0.12, 0.09),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1575, 0.7875),
    ...s3(0.0055, 0.00044),
    basis: 'nearest-published:ap-east-1',
  },
  'ap-south-1': { ...egress(0.1093, 0.086), sqsUsdPerRequest: 0.4 * M, ...dynamo(0.1425, 0.7125), ...s3(0.005, 0.0004) },
  'ap-south-2': { ...egress(0.1093, 0.086), ...dynamo(0.1425, 0.7125), ...s3(0.005, 0.0004) },
  'ap-southeast-1': { ...egress(0.12, 0.09), sqsUsdPerRequest: 0.5 * M, ...dynamo(0.1425, 0.7125), ...s3(0.005, 0.0004) },
  'ap-southeast-2': { ...egress(0.114, 0.098), sqsUsdPerRequest: 0.5 * M, ...dynamo(0.1425, 0.7125), ...s3(0.0055, 0.00044) },
  'ap-southeast-3': {
    ...lambda(0.0000196, 0.0000157, 0.24),
    ...egress(0.132, 0.1),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1425, 0.7125),
    ...s3(0.0055, 0.00044),
  },
  'ap-southeast-4': { ...egress(0.114, 0.1), sqsUsdPerRequest: 0.5 * M, ...dynamo(0.1425, 0.7125), ...s3(0.0055, 0.00044) },
  'ap-southeast-5': {
    ...egress(0.12, 0.09),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1425, 0.7125),
    ...s3(0.005, 0.0004),
    basis: 'nearest-published:ap-southeast-1',
  },
  'ap-southeast-6': {
    ...egress(0.114, 0.098),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1425, 0.7125),
    ...s3(0.0055, 0.00044),
    basis: 'nearest-published:ap-southeast-2',
  },
  'ap-southeast-7': {
    ...egress(0.12, 0.09),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1425, 0.7125),
    ...s3(0.005, 0.0004),
    basis: 'nearest-published:ap-southeast-1',
  },
  'ap-northeast-1': { ...egress(0.114, 0.09), sqsUsdPerRequest: 0.4 * M, ...dynamo(0.1425, 0.7125), ...s3(0.0047, 0.00037) },
  'ap-northeast-2': { ...egress(0.126, 0.08), sqsUsdPerRequest: 0.4 * M, ...dynamo(0.1425, 0.7125), ...s3(0.0045, 0.00035) },
  'ap-northeast-3': { ...egress(0.114, 0.09), sqsUsdPerRequest: 0.4 * M, ...dynamo(0.1425, 0.7125), ...s3(0.0047, 0.00037) },
  'ca-central-1': { ...dynamo(0.1375, 0.6875), ...s3(0.0055, 0.00044) },
  'ca-west-1': { ...dynamo(0.1375, 0.6875), ...s3(0.0055, 0.00044), basis: 'nearest-published:ca-central-1' },
  'eu-central-1': { ...dynamo(0.1525, 0.7625), ...s3(0.0054, 0.00043) },
  'eu-central-2': { ...dynamo(0.1675, 0.8375), ...s3(0.0059, 0.00047) },
  'eu-west-1': { ...dynamo(0.1415, 0.7075), ...s3(0.005, 0.0004) },
  'eu-west-2': { ...dynamo(0.1475, 0.7375), ...s3(0.0053, 0.00042) },
  'eu-west-3': { ...dynamo(0.1475, 0.7375), ...s3(0.0053, 0.00042) },
  'eu-south-1': { ...lambda(0.0000195172, 0.0000156138, 0.23), ...dynamo(0.1475, 0.7375), ...s3(0.0053, 0.00042) },
  'eu-south-2': { ...dynamo(0.1415, 0.7075), ...s3(0.005, 0.0004) },
  'eu-north-1': { ...dynamo(0.1415, 0.7075), ...s3(0.005, 0.0004) },
  'il-central-1': { ...lambda(0.0000183334, 0.0000146667, 0.22), ...egress(0.11, 0.08), ...dynamo(0.1575, 0.7875), ...s3(0.0055, 0.00044) },
  'me-south-1': {
    ...lambda(0.0000206667, 0.0000165334, 0.25),
    ...egress(0.117, 0.1105),
    sqsUsdPerRequest: 0.44 * M,
    ...dynamo(0.1525, 0.7625),
    ...s3(0.0055, 0.00044),
  },
  'me-central-1': {
    ...lambda(0.0000206667, 0.0000165334, 0.25),
    ...egress(0.11, 0.085),
    sqsUsdPerRequest: 0.44 * M,
    ...dynamo(0.1525, 0.7625),
    ...s3(0.0055, 0.00044),
  },
  'mx-central-1': { ...dynamo(0.1375, 0.6875), ...s3(0.0055, 0.00044), basis: 'nearest-published:us-east-2' },
  'sa-east-1': {
    ...lambda(0.0000256, 0.0000205, 0.34),
    ...egress(0.15, 0.138),
    sqsUsdPerRequest: 0.5 * M,
    ...dynamo(0.1875, 0.9375),
    ...s3(0.007, 0.00056),
  },
};

export function embeddedPrices(code: string): EmbeddedPrices | undefined {
  const row = ROWS[code];
  return row ? { ...BASE, ...row } : undefined;
}

export const EMBEDDED_PRICE_REGIONS = Object.keys(ROWS);
