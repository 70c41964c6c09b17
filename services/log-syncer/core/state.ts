// The syncer's private state beside the summary (item sync_window = STATE_SYNC_WINDOW): runs still
// pending at the window edge (their records, ./accumulate.ts), REPORT lines those runs need, run ids counted recently
// (so re-read lines can never count a run twice) and the continuation point of an unfinished sync.
// Summary and state are written in one transaction conditional on the summary's version.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { LineSource, MessageSink, RuntimeLine } from './parse.js';
import { RunAccumulator } from './accumulate.js';

export const STATE_SYNC_WINDOW = 'syncer-state';

/** A run still pending: its lines folded as they were read; duplicates are dropped when it is assembled (reconstruct.ts). */
export type PendingRun = RunAccumulator;

/** Where an unfinished sync stopped: per log group, the range being read and the next page. */
export interface Continuation {
  windowEndMs: number;
  groups: Record<string, { startMs: number; nextToken?: string }>;
}

export interface SyncState {
  pending: Map<string, PendingRun>;
  /** REPORT lines: request id → Init Duration (s) of a cold start, null for a warm one (reconstruct.ts `Reports`). */
  reports: Map<string, number | null>;
  /** run id → ENTRY_POINT time (ms) of runs counted whose lines may still be re-read. */
  counted: Map<string, number>;
  continuation?: Continuation;
}

export const emptyState = (): SyncState => ({ pending: new Map(), reports: new Map(), counted: new Map() });

/**
 * Where `readMessage` (parse.ts) puts what it reads during a sync: REPORT lines, and runtime lines
 * folded into their pending runs — except lines of runs already counted (re-read lines).
 */
export class StateSink implements MessageSink {
  constructor(private readonly state: SyncState) {}
  report(requestId: string, initDurationS: number | null): void {
    this.state.reports.set(requestId, initDurationS);
  }
  runtime(fields: LineSource, runId: string, timestampMs: number): void {
    if (!this.state.counted.has(runId)) addPendingFields(this.state, fields, runId, timestampMs);
  }
}

/** Folds a line into its pending run. */
export function addPendingLine(state: SyncState, line: RuntimeLine): void {
  addPendingFields(state, line, line.run_id, line.timestampMs);
}

/** Folds a line's fields (a parsed runtime line) into its pending run: the hot path, the line itself is not kept. */
export function addPendingFields(state: SyncState, fields: LineSource, runId: string, timestampMs: number): void {
  let run = state.pending.get(runId);
  if (!run) {
    run = new RunAccumulator();
    state.pending.set(runId, run);
  }
  run.add(fields, timestampMs);
}

interface EncodedState {
  /** Per pending run, the lines reconstruction reads (the records of ./accumulate.ts as lines). */
  pending: Record<string, Record<string, unknown>[]>;
  /**
   * Per pending run, what its dropped lines (events reconstruction does not read) still tell: the
   * run's first and last line time and every request id. Absent in states written before runs were
   * folded, whose `pending` holds every line.
   */
  spans?: Record<string, { firstMs: number; lastMs: number; requestIds: string[] }>;
  reports: Record<string, number | null>;
  counted: Record<string, number>;
  continuation?: Continuation;
}

/** gzip(JSON) as base64: pending lines are repetitive JSON and compress ~10×. */
export function encodeState(state: SyncState): string {
  const doc: EncodedState = {
    pending: Object.fromEntries([...state.pending].map(([id, run]) => [id, run.toLines(id)])),
    spans: Object.fromEntries(
      [...state.pending].map(([id, run]) => [id, { firstMs: run.firstMs, lastMs: run.lastMs, requestIds: [...run.requestIds] }]),
    ),
    reports: Object.fromEntries(state.reports),
    counted: Object.fromEntries(state.counted),
    ...(state.continuation ? { continuation: state.continuation } : {}),
  };
  return gzipSync(JSON.stringify(doc)).toString('base64');
}

export function decodeState(encoded: string | undefined): SyncState {
  const state = emptyState();
  if (!encoded) return state;
  const doc = JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')) as EncodedState;
  for (const [id, lines] of Object.entries(doc.pending ?? {})) {
    for (const line of lines) addPendingLine(state, line as RuntimeLine);
    const span = doc.spans?.[id];
    if (!span) continue;
    // A run whose lines were all of events reconstruction does not read has no records, only a span.
    let run = state.pending.get(id);
    if (!run) {
      run = new RunAccumulator();
      state.pending.set(id, run);
    }
    run.firstMs = Math.min(run.firstMs, span.firstMs);
    run.lastMs = Math.max(run.lastMs, span.lastMs);
    for (const rid of span.requestIds) run.requestIds.add(rid);
  }
  for (const [id, init] of Object.entries(doc.reports ?? {})) state.reports.set(id, init);
  for (const [id, at] of Object.entries(doc.counted ?? {})) state.counted.set(id, at);
  if (doc.continuation) state.continuation = doc.continuation;
  return state;
}
