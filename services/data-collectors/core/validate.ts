// The writer's invariants (shared/contracts/collected-data.ts): no NaN, no null, no partial
// document. Every document is checked against its schema before it is written; zod's number
// rejects NaN and ±Infinity.
import { z } from 'zod';
import { formatIssues } from '../../../shared/contracts/validate.js';
import { ValidationError } from '../../../shared/errors.js';
import type { CollectedTable } from '../../../shared/contracts/collected-data.js';

const finite = z.number();
const nonNegative = z.number().min(0);
const envelope = {
  collected_at: z.iso.datetime(),
  provenance: z.object({ source: z.string().min(1), detail: z.string().optional(), period: z.string().optional() }).strict(),
};
const regionKey = z.string().regex(/^aws:[a-z0-9-]+$/, 'expected "aws:<region>"');

export const regionDocument = z
  .object({
    ...envelope,
    region_key: regionKey,
    provider: z.literal('aws'),
    region: z.string().min(1),
    name: z.string().min(1),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    enabled: z.boolean(),
  })
  .strict();

const byArch = z.object({ x86_64: nonNegative, arm64: nonNegative }).strict();
export const providerDocument = z
  .object({
    ...envelope,
    region_key: regionKey,
    lambdaUsdPerGBs: byArch,
    lambdaUsdPerRequest: byArch,
    lambdaFreeTier: z.object({ requests: nonNegative, gbSeconds: nonNegative }).strict(),
    interRegionEgressUsdPerGB: nonNegative,
    internetEgressUsdPerGB: nonNegative,
    sqsUsdPerRequest: nonNegative,
    dynamoDbUsdPerReadRequestUnit: nonNegative,
    dynamoDbUsdPerWriteRequestUnit: nonNegative,
    s3UsdPerPutRequest: nonNegative,
    s3UsdPerGetRequest: nonNegative,
    power: z
      .object({
        pue: z.number().min(1),
        cfe: z.number().min(0).max(1),
        memoryKWPerGB: nonNegative,
        cpuMinKW: nonNegative,
        cpuMaxKW: nonNegative,
      })
      .strict(),
  })
  .strict();

export const carbonDocument = z
  .object({
    ...envelope,
    region_key: regionKey,
    zone: z.string().min(1),
    hourlyGCO2ePerKWh: z.array(nonNegative).length(24),
    overallGCO2ePerKWh: nonNegative,
    hourlyProfile: z.enum(['measured', 'forecast', 'flat-yearly-average']),
    distancesKm: z.record(regionKey, nonNegative),
  })
  .strict();

const latency = z
  .object({ samplesS: z.array(z.number().positive()).min(1), medianS: z.number().positive(), p95S: z.number().positive() })
  .strict();
export const performanceDocument = z
  .object({
    ...envelope,
    region_key: regionKey,
    relativePerformance: z.number().positive(),
    latencyToS: z.record(regionKey, latency),
  })
  .strict();

/** Workflow documents carry the solver's own types: checked for completeness of the envelope and for NaN/null anywhere. */
export const workflowDocument = z
  .object({
    ...envelope,
    workflow_id: z.string().min(1),
    runs: z.number().int().min(0),
    coldStartPolicy: z.string(),
    homeRegion: regionKey,
    instances: z.array(z.unknown()),
    edges: z.array(z.unknown()),
    instanceStats: z.record(z.string(), z.unknown()),
    startHop: z.unknown(),
    constraints: z.unknown(),
    algorithm: z.string(),
    workflowRuntimeSamplesS: z.array(finite),
    dailyInvocationCounts: z.record(z.string(), nonNegative),
  })
  .passthrough();

const SCHEMAS: Record<CollectedTable, z.ZodType> = {
  regions: regionDocument,
  provider: providerDocument,
  carbon: carbonDocument,
  performance: performanceDocument,
  workflow: workflowDocument,
};

/** Path of the first NaN, ±Infinity or null anywhere in a value ("" when clean). */
export function findNonFinite(value: unknown, path = ''): string | undefined {
  if (value === null) return `${path || '(root)'} is null`;
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : `${path || '(root)'} is ${value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = findNonFinite(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== undefined) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      const found = findNonFinite(v, path ? `${path}.${k}` : k);
      if (found) return found;
    }
  }
  return undefined;
}

/** Throws ValidationError naming what is wrong; returns the document unchanged otherwise. */
export function validateDocument<T>(table: CollectedTable, document: T): T {
  const bad = findNonFinite(document);
  if (bad) throw new ValidationError(`${table} document: ${bad}`);
  const result = SCHEMAS[table].safeParse(document);
  if (!result.success) throw new ValidationError(`${table} document: ${formatIssues(result.error.issues, document)}`);
  return document;
}

/** DynamoDB's item limit is 400 KB (attribute names + values); we keep a margin for the keys. */
export const MAX_DOCUMENT_BYTES = 380 * 1024;

export function documentBytes(document: unknown): number {
  return Buffer.byteLength(JSON.stringify(document), 'utf8');
}
