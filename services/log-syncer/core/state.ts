// The syncer's private state beside the summary (item sync_window = STATE_SYNC_WINDOW): runs still
// pending at the window edge (their lines), REPORT lines those runs need, run ids counted recently
// (so re-read lines can never count a run twice) and the continuation point of an unfinished sync.
// Summary and state are written in one transaction conditional on the summary's version.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ReportLine, RuntimeLine } from './parse.js';
import { LINE_FIELDS } from './line.js';

export const STATE_SYNC_WINDOW = 'syncer-state';

export interface PendingRun {
  /** Lines in arrival order; duplicates are dropped when the run is assembled (reconstruct.ts). */
  lines: RuntimeLine[];
  firstMs: number;
  lastMs: number;
}

/** Where an unfinished sync stopped: per log group, the range being read and the next page. */
export interface Continuation {
  windowEndMs: number;
  groups: Record<string, { startMs: number; nextToken?: string }>;
}

export interface SyncState {
  pending: Map<string, PendingRun>;
  reports: Map<string, ReportLine>;
  /** run id → ENTRY_POINT time (ms) of runs counted whose lines may still be re-read. */
  counted: Map<string, number>;
  continuation?: Continuation;
}

export const emptyState = (): SyncState => ({ pending: new Map(), reports: new Map(), counted: new Map() });

/** Adds a line to its pending run (the hot path: no per-line key). */
export function addPendingLine(state: SyncState, line: RuntimeLine): void {
  const run = state.pending.get(line.run_id);
  if (!run) {
    state.pending.set(line.run_id, { lines: [line], firstMs: line.timestampMs, lastMs: line.timestampMs });
    return;
  }
  run.lines.push(line);
  if (line.timestampMs < run.firstMs) run.firstMs = line.timestampMs;
  if (line.timestampMs > run.lastMs) run.lastMs = line.timestampMs;
}

interface EncodedState {
  pending: Record<string, Record<string, unknown>[]>;
  reports: Record<string, number | null>;
  counted: Record<string, number>;
  continuation?: Continuation;
}

/** Stored with a pending line: what reconstruction reads (a state written before lines were reduced may hold more). */
const KEPT = new Set<string>([...LINE_FIELDS, 'timestampMs']);

function compact(line: RuntimeLine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(line)) if (KEPT.has(k) && v !== null && v !== undefined) out[k] = v;
  return out;
}

/** gzip(JSON) as base64: pending lines are repetitive JSON and compress ~10×. */
export function encodeState(state: SyncState): string {
  const doc: EncodedState = {
    pending: Object.fromEntries([...state.pending].map(([id, run]) => [id, run.lines.map(compact)])),
    reports: Object.fromEntries([...state.reports].map(([id, r]) => [id, r.initDurationS ?? null])),
    counted: Object.fromEntries(state.counted),
    ...(state.continuation ? { continuation: state.continuation } : {}),
  };
  return gzipSync(JSON.stringify(doc)).toString('base64');
}

export function decodeState(encoded: string | undefined): SyncState {
  const state = emptyState();
  if (!encoded) return state;
  const doc = JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')) as EncodedState;
  for (const lines of Object.values(doc.pending ?? {})) for (const line of lines) addPendingLine(state, line as RuntimeLine);
  for (const [id, init] of Object.entries(doc.reports ?? {}))
    state.reports.set(id, init === null ? { requestId: id } : { requestId: id, initDurationS: init });
  for (const [id, at] of Object.entries(doc.counted ?? {})) state.counted.set(id, at);
  if (doc.continuation) state.continuation = doc.continuation;
  return state;
}
