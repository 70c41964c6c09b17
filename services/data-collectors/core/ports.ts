// Ports the collectors' core needs; adapters/ implements them with the AWS SDK and fetch, tests
// with in-memory fakes or loopback servers. No @aws-sdk import here.
import type { CollectedTable } from '../../../shared/contracts/collected-data.js';
import type { WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';

/** The collector-data table: (table_name, key) → document. */
export interface CollectedStore {
  get<T>(table: CollectedTable, key: string): Promise<T | undefined>;
  list<T>(table: CollectedTable): Promise<{ key: string; document: T }[]>;
  put(table: CollectedTable, key: string, document: unknown): Promise<void>;
}

/** EC2 DescribeRegions: codes of the regions enabled for the account. */
export interface RegionLister {
  enabledRegions(): Promise<string[]>;
}

export interface PriceListPage {
  /** Each entry: one product with its terms, a JSON string (AWS's PriceList shape). */
  priceList: string[];
  nextToken?: string;
}

/** AWS Price List Query API, GetProducts (one page). */
export interface PriceListPort {
  getProducts(request: { serviceCode: string; filters: Record<string, string>; nextToken?: string }): Promise<PriceListPage>;
}

/** A secret by name (SSM SecureString); undefined when it does not exist. */
export interface SecretPort {
  get(name: string): Promise<string | undefined>;
}

/** GET returning parsed JSON; throws HttpStatusError for a non-2xx answer, TimeoutError-named errors on timeout. */
export interface HttpPort {
  getJson(url: string, options: { headers?: Record<string, string>; timeoutMs: number }): Promise<unknown>;
}

export interface Clock {
  nowMs(): number;
  sleep(ms: number): Promise<void>;
  /** Uniform [0, 1): jitter only. */
  random(): number;
}

export interface WorkflowSource {
  record(workflowId: string): Promise<WorkflowRecord | undefined>;
  summary(workflowId: string): Promise<WorkflowSummary | undefined>;
}

export const systemClock: Clock = {
  nowMs: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: () => Math.random(),
};
