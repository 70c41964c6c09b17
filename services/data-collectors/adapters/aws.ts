// AWS implementations of the regions, prices and secret ports; built lazily, configured only by
// the SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL, ...).
import { DescribeRegionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { getParameter } from '@aws-lambda-powertools/parameters/ssm';
import type { PriceListPort, RegionLister, SecretPort } from '../core/ports.js';

export class Ec2RegionLister implements RegionLister {
  private client?: EC2Client;
  async enabledRegions(): Promise<string[]> {
    this.client ??= new EC2Client({});
    // AllRegions false: only the regions enabled for the account (opt-in regions once opted in).
    const out = await this.client.send(new DescribeRegionsCommand({ AllRegions: false }));
    return (out.Regions ?? []).map((r) => r.RegionName).filter((n): n is string => Boolean(n));
  }
}

export class PricingApi implements PriceListPort {
  private client?: PricingClient;
  constructor(
    private readonly region: string,
    /** GetProducts MaxResults (AWS allows 1..100). */
    private readonly pageSize = 100,
  ) {}
  async getProducts(request: { serviceCode: string; filters: Record<string, string>; nextToken?: string }) {
    this.client ??= new PricingClient({ region: this.region });
    const out = await this.client.send(
      new GetProductsCommand({
        ServiceCode: request.serviceCode,
        Filters: Object.entries(request.filters).map(([Field, Value]) => ({ Type: 'TERM_MATCH', Field, Value })),
        FormatVersion: 'aws_v1',
        NextToken: request.nextToken,
        MaxResults: this.pageSize,
      }),
    );
    // The SDK hands each entry over as a LazyJsonString (a String object holding the JSON text).
    const text = (entry: unknown) =>
      typeof entry === 'object' && entry !== null && !(entry instanceof String) ? JSON.stringify(entry) : String(entry);
    return { priceList: ((out.PriceList ?? []) as unknown[]).map(text), nextToken: out.NextToken };
  }
}

function causeNamed(error: unknown, name: string): boolean {
  for (let e: unknown = error; e; e = (e as Error).cause) if ((e as Error).name === name) return true;
  return false;
}

/** SSM SecureString through Powertools Parameters (decrypted, cached 5 minutes). */
export class SsmSecrets implements SecretPort {
  async get(name: string): Promise<string | undefined> {
    try {
      return await getParameter(name, { decrypt: true, maxAge: 300 });
    } catch (error) {
      if (causeNamed(error, 'ParameterNotFound')) return undefined;
      throw error;
    }
  }
}
