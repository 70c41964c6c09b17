// Line parser: one CloudWatch message → a runtime line, a REPORT line, or nothing (counted). Never
// throws: user logs, START/END lines, truncated JSON and unknown log versions are counted and skipped.
//
// Two paths give the same result for every message (test/unit/log-syncer/extract.test.ts proves it):
// `parseMessage` runs JSON.parse; `parseMessageWithExtractor` first tries `extractFields`
// (./extract.ts), a scanner for the flat objects the runtime writes, and falls back to JSON.parse on
// anything else. Both keep only the fields reconstruction reads (`LINE_FIELDS`, ./line.ts).
// The syncer itself reads with `readMessage`: the same checks and counts, but JSON.parse's object
// goes straight to a sink that folds it into its run (./accumulate.ts), so no record is built; V8's
// native parser was measured at least as fast as the scanner, and what costs is keeping lines alive.
import type { LineCounters } from '../../../shared/contracts/workflow-summary.js';
import { extractFields } from './extract.js';
import { LINE_FIELDS, newLineRecord, type LineFields, type RuntimeLine } from './line.js';

export const SUPPORTED_LOG_VERSION = '1';

export type { RuntimeLine } from './line.js';
export { LINE_FIELDS } from './line.js';

/** `REPORT RequestId: <id> ... [Init Duration: <ms> ms]`: the end of one Lambda invocation. */
export interface ReportLine {
  requestId: string;
  /** Present when the invocation was a cold start. */
  initDurationS?: number;
}

export type ParsedMessage = { kind: 'runtime'; line: RuntimeLine } | { kind: 'report'; report: ReportLine } | { kind: 'skipped' };

export const emptyCounters = (): LineCounters => ({ parsed: 0, foreign: 0, corrupt: 0, unknownVersion: 0 });

const SKIPPED: ParsedMessage = { kind: 'skipped' };
const REPORT_PREFIX = 'REPORT RequestId: ';
// A number, not any run of digits and dots ("Init Duration: . ms" gave NaN seconds; found by test/unit/fuzz).
const INIT_RE = /Init Duration: (\d+(?:\.\d+)?) ms/;

/** The syncer's parser: JSON.parse of every runtime line, reduced to `LINE_FIELDS`. */
export function parseMessage(message: string, eventTimestampMs: number, counters: LineCounters): ParsedMessage {
  return parse(message, eventTimestampMs, counters, false);
}

/** The field extractor with JSON.parse fallback: its result always equals `parseMessage`'s. */
export function parseMessageWithExtractor(message: string, eventTimestampMs: number, counters: LineCounters): ParsedMessage {
  return parse(message, eventTimestampMs, counters, true);
}

/** Where a message's parsed JSON object goes on the syncer's hot path (`readMessage`). */
export interface MessageSink {
  /** A REPORT line: its request id and, for a cold start, the Init Duration in seconds (else null). */
  report(requestId: string, initDurationS: number | null): void;
  /** A validated runtime line: its parsed JSON object as it is (every field, not only `LINE_FIELDS`) and its time. */
  runtime(fields: LineSource, runId: string, timestampMs: number): void;
}

/** The fields of a runtime line by name (a `RuntimeLine`, or the object JSON.parse made of it). */
export type LineSource = { readonly [field: string]: unknown };

/**
 * The syncer's hot path: the same classification and counting as `parseMessage`, but a runtime
 * line's JSON object goes to `sink` as JSON.parse made it — no record is built, the sink reads the
 * few fields its event needs (accumulate.ts).
 */
export function readMessage(message: string, eventTimestampMs: number, counters: LineCounters, sink: MessageSink): void {
  if (message.startsWith(REPORT_PREFIX)) {
    const requestId = reportRequestId(message, counters);
    if (requestId) sink.report(requestId, initDurationS(message) ?? null);
    return;
  }
  const start = jsonStart(message, counters);
  if (start < 0) return;
  let value: unknown;
  try {
    value = JSON.parse(start === 0 ? message : message.slice(start));
  } catch {
    counters.corrupt++;
    return;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    counters.corrupt++;
    return;
  }
  // Absent fields read as undefined: no LINE_FIELDS name exists on Object.prototype.
  const fields = value as LineSource;
  if (!accepted(fields.caribou_event, fields.log_version, fields.run_id, counters)) return;
  sink.runtime(fields, fields.run_id as string, lineTimeMs(fields.timestamp, eventTimestampMs));
}

/** A REPORT line's request id (counted parsed), or undefined (counted corrupt). */
function reportRequestId(message: string, counters: LineCounters): string | undefined {
  const end = message.indexOf('\t', REPORT_PREFIX.length);
  const requestId = message.slice(REPORT_PREFIX.length, end < 0 ? undefined : end).trim();
  if (!requestId) {
    counters.corrupt++;
    return undefined;
  }
  counters.parsed++;
  return requestId;
}

/** A REPORT line's `Init Duration` in seconds: present only for a cold start. */
function initDurationS(message: string): number | undefined {
  const init = INIT_RE.exec(message);
  return init ? Number(init[1]) / 1000 : undefined;
}

/** Where the JSON object starts, or -1 (counted foreign): user JSON logs and Lambda's START/END lines are not runtime lines. */
function jsonStart(message: string, counters: LineCounters): number {
  const start = message.indexOf('{');
  if (start < 0 || message.indexOf('"caribou_event"', start) < 0) {
    counters.foreign++;
    return -1;
  }
  return start;
}

/** The checks of a parsed runtime line; counts it either way. */
function accepted(event: unknown, logVersion: unknown, runId: unknown, counters: LineCounters): boolean {
  if (typeof event !== 'string') {
    counters.foreign++;
    return false;
  }
  // RETRIEVE_WPD is written before the run's base fields exist and carries no log_version.
  if (logVersion !== undefined && logVersion !== SUPPORTED_LOG_VERSION) {
    counters.unknownVersion++;
    return false;
  }
  if (typeof runId !== 'string' || runId.length === 0) {
    counters.corrupt++;
    return false;
  }
  counters.parsed++;
  return true;
}

/** The line's own `timestamp` when it is a valid time, else the CloudWatch event's. */
function lineTimeMs(timestamp: unknown, eventTimestampMs: number): number {
  const ts = typeof timestamp === 'string' ? parseIsoMs(timestamp) : Number.NaN;
  return Number.isFinite(ts) ? ts : eventTimestampMs;
}

function parse(message: string, eventTimestampMs: number, counters: LineCounters, fast: boolean): ParsedMessage {
  if (message.startsWith(REPORT_PREFIX)) {
    const requestId = reportRequestId(message, counters);
    if (!requestId) return SKIPPED;
    const init = initDurationS(message);
    return { kind: 'report', report: init === undefined ? { requestId } : { requestId, initDurationS: init } };
  }
  const start = jsonStart(message, counters);
  if (start < 0) return SKIPPED;
  const fields = (fast ? extractFields(message, start) : undefined) ?? parseJson(message, start);
  if (fields === undefined) {
    counters.corrupt++;
    return SKIPPED;
  }
  const line = fields.record;
  if (!accepted(line.caribou_event, fields.logVersion, line.run_id, counters)) return SKIPPED;
  line.timestampMs = lineTimeMs(fields.timestamp, eventTimestampMs);
  return { kind: 'runtime', line };
}

const lastJson: string[] = LINE_FIELDS.map(() => '');

/** JSON.parse from the first `{`, then the kept fields copied into a `LineRecord`. */
function parseJson(message: string, start: number): LineFields | undefined {
  let value: unknown;
  try {
    value = JSON.parse(start === 0 ? message : message.slice(start));
  } catch {
    return undefined;
  }
  // From a `{` JSON.parse can only return an object; the check keeps the types honest.
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const parsed = value as Record<string, unknown>;
  const record = newLineRecord();
  for (let i = 0; i < LINE_FIELDS.length; i++) {
    const field = LINE_FIELDS[i]!;
    if (!Object.hasOwn(parsed, field)) continue;
    let v = parsed[field];
    if (typeof v === 'string') {
      if (v === lastJson[i]) v = lastJson[i];
      else lastJson[i] = v;
    }
    record[field] = v as never;
  }
  return { record, logVersion: parsed.log_version, timestamp: parsed.timestamp };
}

const secondCache = { key: '', ms: Number.NaN };
/** Where `YYYY-MM-DDTHH:MM:SS.mmmZ` has a digit (1) or the given character. */
const ISO_SHAPE = '1111-11-11T11:11:11.111Z';

/**
 * `Date.parse`, with the runtime's `YYYY-MM-DDTHH:MM:SS.mmmZ` sped up: lines come in time order, so
 * the whole-second part is parsed once per second and the milliseconds are added. Any other form
 * (and hour 24, valid only as 24:00:00.000) goes to Date.parse itself.
 */
export function parseIsoMs(text: string): number {
  if (text.length !== 24 || (text.charCodeAt(11) === 50 && text.charCodeAt(12) === 52)) return Date.parse(text);
  for (let i = 0; i < 24; i++) {
    const c = text.charCodeAt(i);
    const want = ISO_SHAPE.charCodeAt(i);
    if (want === 49 ? c < 48 || c > 57 : c !== want) return Date.parse(text);
  }
  const key = text.slice(0, 19);
  if (key !== secondCache.key) {
    secondCache.key = key;
    secondCache.ms = Date.parse(`${key}Z`);
  }
  return secondCache.ms + (text.charCodeAt(20) - 48) * 100 + (text.charCodeAt(21) - 48) * 10 + (text.charCodeAt(22) - 48);
}
