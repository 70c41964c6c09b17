// One orchestrator invocation: per labourer, under a lease so one run at a time works on it, the
// scavenger (archive completed, retry or bury expired and failed, move due retries to the queue
// head) and then the orchestrator (release up to floor(max × coefficient[health]) − running queued
// tasks, each claimed by a conditional write before its event is put on the bus). Each labourer is
// isolated: an error on one is logged and the others proceed. All state lives in the tables, so a run
// killed at any point is finished by the next one.
import type { LabourerId } from '../../../shared/contracts/internal.js';
import { labourerIds, type EcoStatus, type LabourerConfig, type OrchestratorConfig } from '../../../shared/orchestrator/config.js';
import { assessHealth, type LabourerHealth, type MetricReader } from './ecology.js';
import { activeState, markers, prependGreenfields, type Markers } from '../../../shared/orchestrator/greenfield.js';
import { desiredInvocations, retryDelayS } from '../../../shared/orchestrator/policy.js';
import type { Releaser } from './releaser.js';
import type { TaskRow, TaskStore } from '../../../shared/orchestrator/task-store.js';

export interface CycleLog {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface CycleDeps {
  config: OrchestratorConfig;
  store: TaskStore;
  releaser: Releaser;
  metrics: MetricReader;
  /** Epoch seconds (fractional allowed). */
  now: () => number;
  /** Identifies this run for the per-labourer lease. */
  owner: string;
  log: CycleLog;
  random?: () => number;
  /** Epoch ms after which no further labourer is started (the Lambda's remaining time). */
  deadlineMs?: number;
  /** Test seam: called after each successful claim, before the release. */
  afterClaim?: (task: TaskRow) => Promise<void> | void;
}

export interface ScavengeStats {
  archived: number;
  retried: number;
  dead: number;
  requeued: number;
  /** Moves abandoned because the row changed meanwhile (a late report, another run). */
  lost_races: number;
}

export interface ReleaseStats {
  health: EcoStatus;
  running: number;
  desired: number;
  released: number;
  claim_lost: number;
  release_failed: number;
}

export interface LabourerRunStats {
  skipped?: 'lease_held' | 'deadline';
  error?: string;
  scavenge?: ScavengeStats;
  release?: ReleaseStats;
}

export interface CycleStats {
  started_at: number;
  labourers: Partial<Record<LabourerId, LabourerRunStats>>;
}

/** Claims in flight at once per labourer. */
const CLAIM_CONCURRENCY = 8;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function runCycle(deps: CycleDeps): Promise<CycleStats> {
  const ids = labourerIds(deps.config);
  const startedAt = deps.now();
  const stats: CycleStats = { started_at: startedAt, labourers: {} };
  const health = await assessHealth(deps.config, ids, deps.metrics, startedAt);
  for (const id of ids) {
    if (deps.deadlineMs !== undefined && Date.now() > deps.deadlineMs) {
      stats.labourers[id] = { skipped: 'deadline' };
      continue;
    }
    stats.labourers[id] = await runLabourer(deps, id, health.get(id) ?? { status: 4, metrics: [] });
  }
  return stats;
}

async function runLabourer(deps: CycleDeps, id: LabourerId, health: LabourerHealth): Promise<LabourerRunStats> {
  const labourer = deps.config.labourers[id]!;
  const leaseAt = deps.now();
  let leased = false;
  try {
    leased = await deps.store.acquireLease(id, deps.owner, leaseAt, deps.config.lease_s);
    if (!leased) return { skipped: 'lease_held' };
    const { stats: scavenged, running } = await scavenge(deps, id, labourer);
    const release = await releaseFor(deps, id, labourer, health, running);
    return { scavenge: scavenged, release };
  } catch (error) {
    deps.log.error('labourer run failed; the next run continues from the tables', { labourer: id, error: (error as Error).message });
    return { error: (error as Error).message };
  } finally {
    if (leased) await deps.store.releaseLease(id, deps.owner).catch(() => undefined);
  }
}

/** sosw Scavenger for one labourer; returns the number of tasks still running afterwards. */
export async function scavenge(
  deps: CycleDeps,
  id: LabourerId,
  labourer: LabourerConfig,
): Promise<{ stats: ScavengeStats; running: number }> {
  const nowS = deps.now();
  const m = markers(nowS, labourer, deps.config.greenfield_invocation_delta_s);
  const stats: ScavengeStats = { archived: 0, retried: 0, dead: 0, requeued: 0, lost_races: 0 };
  let running = 0;
  const completed: TaskRow[] = [];
  for (const task of await deps.store.claimed(id, m)) {
    const state = activeState(task, m);
    if (state === 'running') running++;
    else if (state === 'completed') completed.push(task);
    else if (state === 'failed' || state === 'expired') await handleUnfinished(deps, task, state, labourer, nowS, stats);
  }
  const { archived, lost } = await deps.store.archiveMany(completed, Math.floor(nowS));
  stats.archived += archived;
  stats.lost_races += lost;
  await requeueDue(deps, id, m, stats);
  return { stats, running };
}

async function handleUnfinished(
  deps: CycleDeps,
  task: TaskRow,
  state: 'failed' | 'expired',
  labourer: LabourerConfig,
  nowS: number,
  stats: ScavengeStats,
): Promise<void> {
  const cause =
    state === 'failed'
      ? `reported failed: ${task.last_error ?? 'no error given'}`
      : `no report within ${labourer.max_duration_s + labourer.cooldown_s} s of release`;
  if (task.attempts < labourer.max_attempts && !(state === 'failed' && task.no_retry)) {
    const delayS = retryDelayS(task.attempts, deps.config.retry, deps.random);
    const withError = state === 'expired' ? { ...task, last_error: `attempt ${task.attempts}: ${cause}` } : task;
    if (await deps.store.moveToRetry(withError, Math.ceil(nowS + delayS))) {
      stats.retried++;
      deps.log.info('task scheduled for retry', {
        task_id: task.task_id,
        labourer: task.labourer_id,
        attempts: task.attempts,
        delay_s: Math.round(delayS),
        cause,
      });
    } else stats.lost_races++;
    return;
  }
  const reason =
    state === 'failed' && task.no_retry
      ? `dead after ${task.attempts} attempt(s): the labourer reported a non-retryable failure (${task.last_error ?? 'no error given'})`
      : `dead after ${task.attempts} attempt(s) (max_attempts ${labourer.max_attempts}); last attempt ${cause}`;
  if (await deps.store.closeDead(task, Math.floor(nowS), reason)) {
    stats.dead++;
    // The operator-visible record: the closed table (`caribou tasks --status dead`) and this line.
    deps.log.error('task dead', {
      task_id: task.task_id,
      labourer: task.labourer_id,
      type: task.type,
      event: task.event,
      reason,
      last_error: task.last_error ?? null,
    });
  } else stats.lost_races++;
}

/** Due retries go back to the head of the queue, earliest due first, each in one transaction. */
async function requeueDue(deps: CycleDeps, id: LabourerId, m: Markers, stats: ScavengeStats): Promise<void> {
  const due = await deps.store.dueRetries(id, m.start, deps.config.retry_batch_limit);
  if (due.length === 0) return;
  const oldest = await deps.store.oldestQueued(id, m.start);
  const greenfields = prependGreenfields(oldest, due.length, deps.config.greenfield_task_step);
  for (const [i, row] of due.entries()) {
    if (await deps.store.requeue(row, greenfields[i]!)) stats.requeued++;
    else stats.lost_races++;
  }
}

/** sosw Orchestrator for one labourer. */
export async function releaseFor(
  deps: CycleDeps,
  id: LabourerId,
  labourer: LabourerConfig,
  health: LabourerHealth,
  runningKnown?: number,
): Promise<ReleaseStats> {
  const nowS = deps.now();
  const m = markers(nowS, labourer, deps.config.greenfield_invocation_delta_s);
  const running = runningKnown ?? (await deps.store.countRunning(id, m));
  const desired = desiredInvocations(labourer.max_simultaneous_invocations, health.status, running, deps.config.invocation_coefficient);
  const stats: ReleaseStats = { health: health.status, running, desired, released: 0, claim_lost: 0, release_failed: 0 };
  if (desired < 1) return stats;
  // Claims are independent conditional writes: a few at a time, then released in queue order.
  const queued = await deps.store.nextQueued(id, m.start, desired);
  const won = await mapLimited(queued, CLAIM_CONCURRENCY, async (task) => {
    const row = await deps.store.claim(task, m, nowS);
    if (row) await deps.afterClaim?.(row);
    return row;
  });
  const claimed = won.filter((row): row is TaskRow => row !== undefined);
  stats.claim_lost = queued.length - claimed.length;
  const failures = await deps.releaser.release(claimed);
  for (const failure of failures) {
    deps.log.warn('release failed; the task will be retried', { task_id: failure.task.task_id, error: failure.error });
    await deps.store.markReleaseFailed(failure.task, nowS, failure.error);
  }
  stats.release_failed = failures.length;
  stats.released = claimed.length - failures.length;
  return stats;
}
