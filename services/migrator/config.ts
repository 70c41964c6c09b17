// The migrator's settings, read from its environment in one place.
import { intEnv, requireEnv } from '../../shared/config/env.js';
import { ValidationError } from '../../shared/errors.js';

/**
 * Default grace period before an unused regional deployment is removed: 5 days. A run carries the
 * endpoints it started with, so a region must outlive every run that may still send to it: SQS's
 * default retention of a workflow queue (4 days) plus a day for the longest run and its retries.
 */
export const DEFAULT_CLEANUP_GRACE_S = 5 * 24 * 3600;
/** The per-workflow lease outlives the longest task (the migrator Lambda's 900 s timeout + margin). */
export const LOCK_LEASE_S = 960;

export interface MigratorConfig {
  cleanupGraceS: number;
  lockLeaseS: number;
  idempotencyTable: string;
}

export function migratorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MigratorConfig {
  const cleanupGraceS = intEnv('CARIBOU_MIGRATOR_CLEANUP_GRACE_S', DEFAULT_CLEANUP_GRACE_S, env);
  if (cleanupGraceS < 0)
    throw new ValidationError(`CARIBOU_MIGRATOR_CLEANUP_GRACE_S must be a number of seconds >= 0, got ${cleanupGraceS}`);
  return { cleanupGraceS, lockLeaseS: LOCK_LEASE_S, idempotencyTable: requireEnv('CARIBOU_IDEMPOTENCY_TABLE', env) };
}
