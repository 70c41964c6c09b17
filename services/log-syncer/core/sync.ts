// One sync of one workflow (docs/log-syncer.md): read every deployed (function, region) log group
// from its watermark to now − grace, feed the lines to pending runs, count the runs that completed,
// and write summary + state in one conditional write. Out of time → a continuation point is
// written with everything read so far and the rest is handed to a follow-up task.
import type { LineCounters, SyncedRun } from '../../../shared/contracts/workflow-summary.js';
import { emptyCounters, readMessage } from './parse.js';
import { assemble, type DagView } from './reconstruct.js';
import { encodeState, StateSink, type Continuation, type SyncState } from './state.js';
import { mergeSummary, type SizePolicy } from './merge.js';
import { VersionConflictError, type FollowUp, type LogGroupRef, type LogSource, type SummaryStore, type SyncClock } from './ports.js';

export interface SyncSettings {
  /** Lines younger than this are left for the next sync (late CloudWatch delivery). */
  graceMs: number;
  /** Nothing older than this is read or kept (30 days). */
  horizonMs: number;
  /** A pending run with no line for this long (behind every watermark) is finalised as failed. */
  pendingTimeoutMs: number;
  /** Skip when less than this has passed since the last window end. */
  minIntervalMs: number;
  /** Stop reading when less time than this remains (the write and the follow-up must fit). */
  safetyMarginMs: number;
  /** At most this many pending runs are carried; beyond, the longest-idle are finalised. */
  maxPendingRuns: number;
  size: SizePolicy;
  /** Budget of the encoded state item (pending lines); beyond, the longest-idle pending runs are finalised. */
  maxStateBytes?: number;
}

export const DEFAULT_MAX_STATE_BYTES = 300_000;

export interface SyncDeps {
  logs: LogSource;
  store: SummaryStore;
  followUp: FollowUp;
  clock: SyncClock;
  settings: SyncSettings;
}

export interface WorkflowToSync {
  workflowId: string;
  groups: LogGroupRef[];
  dag: DagView;
}

export interface SyncResult {
  workflow_id: string;
  status: 'synced' | 'continued' | 'skipped';
  runsAdded: number;
  totalRuns: number;
  pendingRuns: number;
  orphanRuns: number;
  logRequests: number;
  lines: LineCounters;
  attempts: number;
}

const MAX_ATTEMPTS = 3;

export async function syncWorkflow(workflow: WorkflowToSync, deps: SyncDeps): Promise<SyncResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { ...(await syncOnce(workflow, deps)), attempts: attempt };
    } catch (error) {
      // Another sync of this workflow wrote first: start again from what it wrote.
      if (!(error instanceof VersionConflictError) || attempt >= MAX_ATTEMPTS) throw error;
    }
  }
}

async function syncOnce(workflow: WorkflowToSync, deps: SyncDeps): Promise<Omit<SyncResult, 'attempts'>> {
  const { settings, clock } = deps;
  const { summary, state } = await deps.store.load(workflow.workflowId);
  const nowMs = clock.nowMs();
  const previous = state.continuation;
  const windowEndMs = previous?.windowEndMs ?? nowMs - settings.graceMs;
  const horizonStartMs = nowMs - settings.horizonMs;
  const startOf = (g: LogGroupRef) => {
    const carried = previous?.groups[g.key]?.startMs;
    if (carried !== undefined) return carried;
    const mark = summary.watermarks[g.key] ? Date.parse(summary.watermarks[g.key]!) : Number.NEGATIVE_INFINITY;
    return Math.max(horizonStartMs, mark);
  };
  const base = {
    workflow_id: workflow.workflowId,
    totalRuns: summary.totalRuns,
    pendingRuns: state.pending.size,
    orphanRuns: 0,
    logRequests: 0,
    lines: emptyCounters(),
  };
  if (!previous && workflow.groups.every((g) => windowEndMs - startOf(g) < settings.minIntervalMs))
    return { ...base, status: 'skipped', runsAdded: 0 };

  const counters = emptyCounters();
  const watermarks = { ...summary.watermarks };
  let next: Continuation | undefined;
  let requests = 0;
  const sink = new StateSink(state);
  for (const group of workflow.groups) {
    const startMs = startOf(group);
    if (startMs >= windowEndMs) continue;
    let token = previous?.groups[group.key]?.nextToken;
    while (true) {
      // At least one page per task, so a chain of follow-up tasks always makes progress.
      if (next || (requests > 0 && clock.remainingMs() < settings.safetyMarginMs)) {
        next ??= { windowEndMs, groups: {} };
        next.groups[group.key] = token ? { startMs, nextToken: token } : { startMs };
        break;
      }
      const page = await deps.logs.page(group, startMs, windowEndMs, token);
      requests++;
      for (const event of page.events) {
        if (event.timestampMs < startMs || event.timestampMs >= windowEndMs) continue;
        readMessage(event.message, event.timestampMs, counters, sink);
      }
      token = page.nextToken;
      if (!token) {
        watermarks[group.key] = new Date(windowEndMs).toISOString();
        break;
      }
    }
  }

  // Every line before this instant has been read in every group.
  const readUntilMs = Math.min(...workflow.groups.map((g) => (watermarks[g.key] ? Date.parse(watermarks[g.key]!) : horizonStartMs)));
  const { completed, orphans: orphanCount } = settle(state, workflow.dag, settings, readUntilMs);
  const budget = settings.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
  while (state.pending.size > 0 && encodeState(state).length > budget) {
    // Over budget: finalise the longest-idle tenth of the pending runs now.
    const cap = Math.floor(state.pending.size * 0.9);
    const more = settle(state, workflow.dag, { ...settings, maxPendingRuns: cap }, readUntilMs);
    completed.push(...more.completed);
  }
  const merged = mergeSummary(summary, completed, settings.size, nowMs);
  for (const run of merged.newRuns) state.counted.set(run.run_id, lastLineMs(run));
  for (const [id, lastMs] of state.counted) if (lastMs < readUntilMs - settings.graceMs) state.counted.delete(id);
  if (next) state.continuation = next;
  else delete state.continuation;
  const nextSummary = {
    ...merged.summary,
    version: summary.version + 1,
    watermarks,
    lastSyncedAt: new Date(nowMs).toISOString(),
    pendingRunIds: [...state.pending.keys()].sort(),
    lines: addCounters(summary.lines, counters),
  };
  await deps.store.save({ summary: nextSummary, state }, summary.version);
  if (next) await deps.followUp.request(workflow.workflowId);
  return {
    ...base,
    status: next ? 'continued' : 'synced',
    runsAdded: merged.newRuns.length,
    totalRuns: nextSummary.totalRuns,
    pendingRuns: state.pending.size,
    orphanRuns: orphanCount,
    logRequests: requests,
    lines: counters,
  };
}

/** Completes what can be completed, finalises what timed out, bounds the pending set. */
export function settle(
  state: SyncState,
  dag: DagView,
  settings: SyncSettings,
  readUntilMs: number,
): { completed: SyncedRun[]; orphans: number } {
  const completed: SyncedRun[] = [];
  let orphans = 0;
  const overflow = new Set(
    [...state.pending]
      .sort((a, b) => a[1].lastMs - b[1].lastMs)
      .slice(0, Math.max(0, state.pending.size - settings.maxPendingRuns))
      .map(([id]) => id),
  );
  for (const [id, run] of state.pending) {
    const force = overflow.has(id) || run.lastMs + settings.pendingTimeoutMs < readUntilMs;
    const result = assemble(id, run, state.reports, dag, force);
    if (result.state === 'incomplete') continue;
    state.pending.delete(id);
    if (result.state === 'orphan') orphans++;
    else completed.push(result.run);
  }
  // REPORT lines are only needed by runs still pending (a REPORT follows its lines in its group).
  const needed = new Set<string>();
  for (const run of state.pending.values()) for (const id of run.requestIds) needed.add(id);
  for (const id of state.reports.keys()) if (!needed.has(id)) state.reports.delete(id);
  return { completed, orphans };
}

function lastLineMs(run: SyncedRun): number {
  return Date.parse(run.startedAt) + run.runtimeS * 1000 + 1;
}

function addCounters(a: LineCounters, b: LineCounters): LineCounters {
  return {
    parsed: a.parsed + b.parsed,
    foreign: a.foreign + b.foreign,
    corrupt: a.corrupt + b.corrupt,
    unknownVersion: a.unknownVersion + b.unknownVersion,
  };
}
