// Reading prices out of the AWS Price List Query API's GetProducts answers. Each PriceList entry is
// a JSON string: { product: { productFamily, attributes: {...} }, terms: { OnDemand: { <offer>:
// { priceDimensions: { <dim>: { unit, beginRange, endRange, pricePerUnit: { USD } } } } } } }.
// The price we want is the first paid tier (lowest beginRange with a non-zero USD price): free
// tiers (SQS's first million, Lambda's "Any"-location free tier rows) are not per-run prices.
import type { PriceListPort } from './ports.js';
import type { PriceFields } from '../data/prices.js';

export interface PriceProduct {
  productFamily?: string;
  attributes: Record<string, string>;
  dimensions: { unit: string; beginRange: number; usd: number; description?: string }[];
}

export function parsePriceListEntry(entry: string): PriceProduct {
  const raw = JSON.parse(entry) as {
    product?: { productFamily?: string; attributes?: Record<string, string> };
    terms?: { OnDemand?: Record<string, { priceDimensions?: Record<string, { unit?: string; beginRange?: string; pricePerUnit?: { USD?: string }; description?: string }> }> };
  };
  const dimensions: PriceProduct['dimensions'] = [];
  for (const offer of Object.values(raw.terms?.OnDemand ?? {})) {
    for (const dim of Object.values(offer.priceDimensions ?? {})) {
      const usd = Number(dim.pricePerUnit?.USD);
      if (!Number.isFinite(usd)) continue;
      dimensions.push({ unit: dim.unit ?? '', beginRange: Number(dim.beginRange ?? '0') || 0, usd, description: dim.description });
    }
  }
  return { productFamily: raw.product?.productFamily, attributes: raw.product?.attributes ?? {}, dimensions };
}

/** First paid tier of a product, USD per unit; undefined when every tier is free or none parses. */
export function firstPaidTierUsd(product: PriceProduct): number | undefined {
  const paid = product.dimensions.filter((d) => d.usd > 0).sort((a, b) => a.beginRange - b.beginRange);
  return paid[0]?.usd;
}

/** Every product of a service matching the filters, following NextToken. */
export async function getAllProducts(port: PriceListPort, serviceCode: string, filters: Record<string, string>, maxPages = 50): Promise<PriceProduct[]> {
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
export const PRICE_QUERIES: { serviceCode: string; filters: (region: string) => Record<string, string>; read: (products: PriceProduct[]) => LivePrices }[] = [
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
