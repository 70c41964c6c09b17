// In-memory ports for the collectors' core.
import type { CollectedTable } from '../../../shared/contracts/collected-data.js';
import type {
  Clock,
  CollectedStore,
  HttpPort,
  PriceListPort,
  RegionLister,
  SecretPort,
} from '../../../services/data-collectors/core/ports.js';
import { HttpStatusError } from '../../../services/data-collectors/core/retry.js';
import { EMBEDDED_REGIONS } from '../../../services/data-collectors/data/regions.js';

export class MemoryStore implements CollectedStore {
  readonly items = new Map<string, unknown>();
  puts = 0;
  async get<T>(table: CollectedTable, key: string) {
    return this.items.get(`${table}|${key}`) as T | undefined;
  }
  async list<T>(table: CollectedTable) {
    return [...this.items.entries()]
      .filter(([k]) => k.startsWith(`${table}|`))
      .map(([k, document]) => ({ key: k.slice(table.length + 1), document: document as T }));
  }
  async put(table: CollectedTable, key: string, document: unknown) {
    this.puts += 1;
    this.items.set(`${table}|${key}`, structuredClone(document));
  }
}

export const ALL_CODES = EMBEDDED_REGIONS.map((r) => r.code);
export const lister = (codes: string[] = ALL_CODES): RegionLister => ({ enabledRegions: async () => codes });

/** Time advances only through sleep; random is fixed. */
export function fakeClock(startMs = Date.parse('2026-12-01T12:30:00Z')): Clock & { slept: number[] } {
  let now = startMs;
  const slept: number[] = [];
  return {
    slept,
    nowMs: () => now,
    sleep: async (ms) => {
      slept.push(ms);
      now += ms;
    },
    random: () => 0.5,
  };
}

export const noSecrets: SecretPort = { get: async () => undefined };
export const secrets = (values: Record<string, string>): SecretPort => ({ get: async (name) => values[name] });

/** Routes GETs by URL substring; a handler may throw HttpStatusError. */
export function fakeHttp(routes: [string, (url: string) => unknown][]): HttpPort & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async getJson(url) {
      calls.push(url);
      const route = routes.find(([part]) => url.includes(part));
      if (!route) throw new HttpStatusError(404, url);
      return route[1](url);
    },
  };
}

export const deniedPricing: PriceListPort = {
  getProducts: async () => {
    const error = new Error('User is not authorized to perform: pricing:GetProducts');
    error.name = 'AccessDeniedException';
    throw error;
  },
};

/** One Price List entry in AWS's shape (a JSON string). */
export function priceEntry(family: string, attributes: Record<string, string>, tiers: [begin: string, usd: string][]): string {
  const dims = Object.fromEntries(
    tiers.map(([begin, usd], i) => [`D${i}`, { unit: 'x', beginRange: begin, endRange: 'Inf', pricePerUnit: { USD: usd } }]),
  );
  return JSON.stringify({ product: { productFamily: family, attributes }, terms: { OnDemand: { 'SKU.T': { priceDimensions: dims } } } });
}
