// The log syncer's settings from its environment (set by the stack; defaults documented in
// docs/log-syncer.md). Table names come from the stack's CARIBOU_<TABLE>_TABLE variables.
import { intEnv, requireEnv } from '../../shared/config/env.js';
import { ValidationError } from '../../shared/errors.js';
import { DEFAULT_SIZE_POLICY } from './core/merge.js';
import type { SyncSettings } from './core/sync.js';

export interface LogSyncerConfig {
  workflowsTable: string;
  summariesTable: string;
  idempotencyTable: string;
  settings: SyncSettings;
  /** Attempts of one FilterLogEvents call under throttling. */
  throttleAttempts: number;
  /** Fault injection (tests): every first attempt of a task fails after reading, before its write. */
  faultFailFirstAttempt: boolean;
}

function positive(name: string, fallback: number, env: NodeJS.ProcessEnv): number {
  const value = intEnv(name, fallback, env);
  if (value < 0) throw new ValidationError(`environment variable ${name} must be >= 0, got ${value}`);
  return value;
}

export function logSyncerConfig(env: NodeJS.ProcessEnv = process.env): LogSyncerConfig {
  return {
    workflowsTable: requireEnv('CARIBOU_WORKFLOWS_TABLE', env),
    summariesTable: requireEnv('CARIBOU_WORKFLOW_SUMMARIES_TABLE', env),
    idempotencyTable: requireEnv('CARIBOU_IDEMPOTENCY_TABLE', env),
    faultFailFirstAttempt: env.CARIBOU_FAULT_LOG_SYNC_FAIL_FIRST_ATTEMPT === 'true',
    throttleAttempts: Math.max(1, positive('CARIBOU_LOG_SYNC_THROTTLE_ATTEMPTS', 8, env)),
    settings: {
      graceMs: positive('CARIBOU_LOG_SYNC_GRACE_S', 900, env) * 1000,
      horizonMs: positive('CARIBOU_LOG_SYNC_HORIZON_DAYS', 30, env) * 86_400_000,
      pendingTimeoutMs: positive('CARIBOU_LOG_SYNC_PENDING_TIMEOUT_S', 7200, env) * 1000,
      minIntervalMs: positive('CARIBOU_LOG_SYNC_MIN_INTERVAL_S', 0, env) * 1000,
      safetyMarginMs: positive('CARIBOU_LOG_SYNC_SAFETY_MARGIN_S', 60, env) * 1000,
      maxPendingRuns: positive('CARIBOU_LOG_SYNC_MAX_PENDING_RUNS', 300, env),
      size: {
        ...DEFAULT_SIZE_POLICY,
        recentRuns: positive('CARIBOU_LOG_SYNC_RECENT_RUNS', DEFAULT_SIZE_POLICY.recentRuns, env),
        horizonMs: positive('CARIBOU_LOG_SYNC_HORIZON_DAYS', 30, env) * 86_400_000,
      },
    },
  };
}
