// The greenfield encoding (sosw §3): one number per active task encodes its place in the queue and
// whether it was claimed. Queued tasks hold small sequence numbers (far below any epoch time); a
// claim sets claim time + Δ, about a year ahead, so one (labourer_id, greenfield) index answers every
// question — queue head, running count, expired tasks — with a range query.
import type { LabourerConfig } from './config.js';

/** Per-run markers of one labourer, all in integer epoch seconds (+Δ where claimed). */
export interface Markers {
  /** This run's now: a queued task has greenfield < start. */
  start: number;
  /** start + Δ: the greenfield a claim in this run writes; nothing claimed is above it. */
  invoked: number;
  /** invoked − (max duration + cooldown): a claim at or below it is expired, above it running. */
  expired: number;
}

export function markers(nowS: number, labourer: Pick<LabourerConfig, 'max_duration_s' | 'cooldown_s'>, deltaS: number): Markers {
  const start = Math.floor(nowS);
  const invoked = start + deltaS;
  return { start, invoked, expired: invoked - Math.ceil(labourer.max_duration_s + labourer.cooldown_s) };
}

export function claimGreenfield(nowS: number, deltaS: number): number {
  return Math.floor(nowS) + deltaS;
}

/** Claim time (epoch s) of a claimed greenfield. */
export function claimedAt(greenfield: number, deltaS: number): number {
  return greenfield - deltaS;
}

export type ActiveState = 'queued' | 'running' | 'completed' | 'failed' | 'expired';

export interface ActiveTaskFields {
  greenfield: number;
  completed_at?: number;
  failed_at?: number;
}

/**
 * State of a row of the tasks table at a run's markers. Unlike sosw, running and expired do not
 * overlap at the boundary: a task claimed exactly max duration + cooldown ago is expired.
 */
export function activeState(task: ActiveTaskFields, m: Markers): ActiveState {
  if (task.greenfield < m.start) return 'queued';
  if (task.completed_at !== undefined) return 'completed';
  if (task.failed_at !== undefined) return 'failed';
  return task.greenfield <= m.expired ? 'expired' : 'running';
}

/** Greenfields for `count` new tasks appended after the newest queued one (none queued: start at 2·STEP). */
export function appendGreenfields(newestQueued: number | undefined, count: number, step: number): number[] {
  const base = newestQueued ?? step;
  return Array.from({ length: count }, (_, i) => base + step * (i + 1));
}

/**
 * Greenfields for retried tasks placed before the queue head, in the order given (earliest due first
 * runs first; sosw gave the earliest-due retry the highest of the new numbers). Values may go
 * negative; DynamoDB numbers allow it.
 */
export function prependGreenfields(oldestQueued: number | undefined, count: number, step: number): number[] {
  const head = oldestQueued ?? step;
  return Array.from({ length: count }, (_, i) => head - count + i);
}
