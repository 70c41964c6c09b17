// Reading prices out of the AWS Price List Query API's GetProducts answers. Each PriceList entry is
// a JSON string: { product: { productFamily, attributes: {...} }, terms: { OnDemand: { <offer>:
// { priceDimensions: { <dim>: { unit, beginRange, endRange, pricePerUnit: { USD } } } } } } }.
// The price we want is the first paid tier (lowest beginRange with a non-zero USD price): free
// tiers (SQS's first million, Lambda's "Any"-location free tier rows) are not per-run prices.
import type { PriceListPort } from './ports.js';
import type { PriceFields } from '../data/prices.js';
import { CaribouError } from '../../../shared/errors.js';

export interface PriceProduct {
  productFamily?: string;
  attributes: Record<string, string>;
  dimensions: { unit: string; beginRange: number; usd: number; description?: string }[];
}

/** A Price List entry that is not the JSON shape AWS documents. */
export class PriceListFormatError extends CaribouError {}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** One GetProducts PriceList entry; a wrong shape or a price that is not a non-negative number is a PriceListFormatError. */
export function parsePriceListEntry(entry: string): PriceProduct {
  const fail = (what: string): never => {
    throw new PriceListFormatError(`Price List entry: ${what} (entry starts ${JSON.stringify(String(entry).slice(0, 80))})`);
  };
  let raw: unknown;
  try {
    raw = JSON.parse(entry);
  } catch (error) {
    throw new PriceListFormatError(`Price List entry: not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isObject(raw)) return fail('expected a JSON object');
  const product = raw.product ?? {};
  if (!isObject(product)) return fail('"product" is not an object');
  if (product.productFamily !== undefined && typeof product.productFamily !== 'string') fail('"product.productFamily" is not a string');
  const attributes = product.attributes ?? {};
  if (!isObject(attributes) || Object.values(attributes).some((v) => typeof v !== 'string'))
    fail('"product.attributes" is not an object of strings');
  const terms = raw.terms ?? {};
  if (!isObject(terms)) return fail('"terms" is not an object');
  const onDemand = terms.OnDemand ?? {};
  if (!isObject(onDemand)) return fail('"terms.OnDemand" is not an object');
  const dimensions: PriceProduct['dimensions'] = [];
  for (const [offerId, offer] of Object.entries(onDemand)) {
    if (!isObject(offer)) return fail(`"terms.OnDemand.${offerId}" is not an object`);
    const dims = offer.priceDimensions ?? {};
    if (!isObject(dims)) return fail(`"terms.OnDemand.${offerId}.priceDimensions" is not an object`);
    for (const [dimId, dim] of Object.entries(dims)) {
      const where = `"terms.OnDemand.${offerId}.priceDimensions.${dimId}"`;
      if (!isObject(dim)) return fail(`${where} is not an object`);
      const price = dim.pricePerUnit;
      if (price === undefined || (isObject(price) && price.USD === undefined)) continue; // priced in another currency only
      if (!isObject(price)) return fail(`${where}.pricePerUnit is not an object`);
      const usd = typeof price.USD === 'string' && price.USD.trim() !== '' ? Number(price.USD) : Number.NaN;
      if (!Number.isFinite(usd) || usd < 0)
        return fail(`${where}.pricePerUnit.USD is not a non-negative number: ${JSON.stringify(price.USD)}`);
      const begin =
        dim.beginRange === undefined
          ? 0
          : typeof dim.beginRange === 'string' && dim.beginRange.trim() !== ''
            ? Number(dim.beginRange)
            : Number.NaN;
      if (!Number.isFinite(begin) || begin < 0)
        return fail(`${where}.beginRange is not a non-negative number: ${JSON.stringify(dim.beginRange)}`);
      if (dim.unit !== undefined && typeof dim.unit !== 'string') fail(`${where}.unit is not a string`);
      if (dim.description !== undefined && typeof dim.description !== 'string') fail(`${where}.description is not a string`);
      dimensions.push({
        unit: (dim.unit as string | undefined) ?? '',
        beginRange: begin,
        usd,
        description: dim.description as string | undefined,
      });
    }
  }
  return { productFamily: product.productFamily as string | undefined, attributes: attributes as Record<string, string>, dimensions };
}

/** First paid tier of a product, USD per unit; undefined when every tier is free or none parses. */
export function firstPaidTierUsd(product: PriceProduct): number | undefined {
  const paid = product.dimensions.filter((d) => d.usd > 0).sort((a, b) => a.beginRange - b.beginRange);
  return paid[0]?.usd;
}

/** Every product of a service matching the filters, following NextToken. */
export async function getAllProducts(
  port: PriceListPort,
  serviceCode: string,
  filters: Record<string, string>,
  maxPages = 50,
): Promise<PriceProduct[]> {
  const products: PriceProduct[] = [];
  let nextToken: string | undefined;
  let pages = 0;
  do {
    const page = await port.getProducts({ serviceCode, filters, nextToken });
    for (const entry of page.priceList) products.push(parsePriceListEntry(entry));
    nextToken = page.nextToken;
    pages += 1;
  } while (nextToken && pages < maxPages);
  return products;
}

const attr = (p: PriceProduct, name: string) => p.attributes[name];
function priceWhere(products: PriceProduct[], match: (p: PriceProduct) => boolean): number | undefined {
  for (const p of products) {
    if (!match(p)) continue;
    const usd = firstPaidTierUsd(p);
    if (usd !== undefined) return usd;
  }
  return undefined;
}

/** Price fields one service's products give; absent fields fall back to the embedded table. */
/** (The provider document's price fields, with Lambda's per-architecture prices flattened.) */
export type LivePrices = Partial<
  Omit<PriceFields, 'lambdaUsdPerGBs' | 'lambdaUsdPerRequest'> & {
    lambdaX86UsdPerGBs: number;
    lambdaArmUsdPerGBs: number;
    lambdaX86UsdPerRequest: number;
    lambdaArmUsdPerRequest: number;
  }
>;

/** The queries the provider collector makes per region, and how each answer is read. */
export const PRICE_QUERIES: {
  serviceCode: string;
  filters: (region: string) => Record<string, string>;
  read: (products: PriceProduct[]) => LivePrices;
}[] = [
  {
    serviceCode: 'AWSLambda',
    filters: (region) => ({ regionCode: region }),
    read: (ps) => ({
      lambdaX86UsdPerGBs: priceWhere(ps, (p) => attr(p, 'group') === 'AWS-Lambda-Duration'),
      lambdaArmUsdPerGBs: priceWhere(ps, (p) => attr(p, 'group') === 'AWS-Lambda-Duration-ARM'),
      lambdaX86UsdPerRequest: priceWhere(ps, (p) => attr(p, 'group') === 'AWS-Lambda-Requests'),
      lambdaArmUsdPerRequest: priceWhere(ps, (p) => attr(p, 'group') === 'AWS-Lambda-Requests-ARM'),
    }),
  },
  {
    serviceCode: 'AWSQueueService',
    filters: (region) => ({ regionCode: region, queueType: 'Standard' }),
    read: (ps) => ({ sqsUsdPerRequest: priceWhere(ps, (p) => p.productFamily === 'API Request') }),
  },
  {
    serviceCode: 'AmazonDynamoDB',
    filters: (region) => ({ regionCode: region, productFamily: 'Amazon DynamoDB PayPerRequest Throughput' }),
    read: (ps) => ({
      dynamoDbUsdPerReadRequestUnit: priceWhere(ps, (p) => attr(p, 'group') === 'DDB-ReadUnits'),
      dynamoDbUsdPerWriteRequestUnit: priceWhere(ps, (p) => attr(p, 'group') === 'DDB-WriteUnits'),
    }),
  },
  {
    serviceCode: 'AmazonS3',
    filters: (region) => ({ regionCode: region, productFamily: 'API Request' }),
    read: (ps) => ({
      s3UsdPerPutRequest: priceWhere(ps, (p) => attr(p, 'group') === 'S3-API-Tier1'),
      s3UsdPerGetRequest: priceWhere(ps, (p) => attr(p, 'group') === 'S3-API-Tier2'),
    }),
  },
  {
    serviceCode: 'AWSDataTransfer',
    filters: (region) => ({ fromRegionCode: region }),
    read: (ps) => ({
      interRegionEgressUsdPerGB: priceWhere(ps, (p) => attr(p, 'transferType') === 'InterRegion Outbound'),
      internetEgressUsdPerGB: priceWhere(ps, (p) => attr(p, 'transferType') === 'AWS Outbound'),
    }),
  },
];
