// The data collectors' settings, read from the environment in one place, with defaults. No secret
// is ever an env var: CARIBOU_ELECTRICITY_MAPS_TOKEN_PARAMETER names the SSM SecureString holding
// the token (default /<prefix>/data-collectors/electricity-maps-token, the only parameter the
// service's IAM policy lets it read).
import { ValidationError } from '../../shared/errors.js';
import { intEnv } from '../../shared/config/env.js';
import { CARBON_SOURCES, type CarbonSource } from './core/carbon.js';
import { PERFORMANCE_SOURCES, type PerformanceSource } from './core/performance.js';

export interface CollectorsConfig {
  carbonSources: CarbonSource[];
  performanceSources: PerformanceSource[];
  /** false: embedded price table only. */
  livePrices: boolean;
  /** Region of the Price List Query API endpoint (us-east-1, eu-central-1 or ap-south-1). */
  pricingRegion: string;
  electricityMapsUrl: string;
  tokenParameter: string;
  /** cloudping-format endpoint; unset: the distance model only. */
  latencyUrl?: string;
  httpTimeoutMs: number;
}

export const tokenParameterName = (prefix: string) => `/${prefix}/data-collectors/electricity-maps-token`;

function list<T extends string>(name: string, allowed: readonly T[], fallback: readonly T[], env: NodeJS.ProcessEnv): T[] {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return [...fallback];
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const item of items) {
    if (!(allowed as readonly string[]).includes(item))
      throw new ValidationError(`environment variable ${name}: "${item}" is not one of ${allowed.join(', ')}`);
  }
  return items as T[];
}

export function collectorsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): CollectorsConfig {
  const prefix = env.CARIBOU_PREFIX || 'caribou';
  const livePrices = (env.CARIBOU_PRICE_SOURCE ?? 'aws-price-list-api').trim();
  if (livePrices !== 'aws-price-list-api' && livePrices !== 'embedded') {
    throw new ValidationError(
      `environment variable CARIBOU_PRICE_SOURCE: expected "aws-price-list-api" or "embedded", got "${livePrices}"`,
    );
  }
  return {
    carbonSources: list('CARIBOU_CARBON_SOURCES', CARBON_SOURCES, CARBON_SOURCES, env),
    performanceSources: list('CARIBOU_PERFORMANCE_SOURCES', PERFORMANCE_SOURCES, PERFORMANCE_SOURCES, env),
    livePrices: livePrices === 'aws-price-list-api',
    pricingRegion: env.CARIBOU_PRICING_REGION || 'us-east-1',
    electricityMapsUrl: env.CARIBOU_ELECTRICITY_MAPS_URL || 'https://api.electricitymap.org',
    tokenParameter: env.CARIBOU_ELECTRICITY_MAPS_TOKEN_PARAMETER || tokenParameterName(prefix),
    latencyUrl: env.CARIBOU_LATENCY_URL || undefined,
    httpTimeoutMs: intEnv('CARIBOU_COLLECTOR_HTTP_TIMEOUT_MS', 10_000, env),
  };
}
