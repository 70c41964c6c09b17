// Line parser: one CloudWatch message → a runtime line, a REPORT line, or nothing (counted). Never
// throws: user logs, START/END lines, truncated JSON and unknown log versions are counted and skipped.
//
// Two paths give the same result for every message (test/unit/log-syncer/extract.test.ts proves it):
// `parseMessage` runs JSON.parse; `parseMessageWithExtractor` first tries `extractFields`
// (./extract.ts), a scanner for the flat objects the runtime writes, and falls back to JSON.parse on
// anything else. Both keep only the fields reconstruction reads (`LINE_FIELDS`, ./line.ts). The
// syncer uses JSON.parse: measured side by side (bench/results/log-syncer.json), V8's native parser
// is at least as fast as the scanner; the cost that mattered was keeping whole lines, not parsing.
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

function parse(message: string, eventTimestampMs: number, counters: LineCounters, fast: boolean): ParsedMessage {
  if (message.startsWith(REPORT_PREFIX)) {
    const end = message.indexOf('\t', REPORT_PREFIX.length);
    const requestId = message.slice(REPORT_PREFIX.length, end < 0 ? undefined : end).trim();
    if (!requestId) {
      counters.corrupt++;
      return SKIPPED;
    }
    counters.parsed++;
    const init = INIT_RE.exec(message);
    return { kind: 'report', report: init ? { requestId, initDurationS: Number(init[1]) / 1000 } : { requestId } };
  }
  const start = message.indexOf('{');
  // Cheap test before parsing: user JSON logs and Lambda's START/END lines are not runtime lines.
  if (start < 0 || message.indexOf('"caribou_event"', start) < 0) {
    counters.foreign++;
    return SKIPPED;
  }
  const fields = (fast ? extractFields(message, start) : undefined) ?? parseJson(message, start);
  if (fields === undefined) {
    counters.corrupt++;
    return SKIPPED;
  }
  const line = fields.record;
  if (typeof line.caribou_event !== 'string') {
    counters.foreign++;
    return SKIPPED;
  }
  // RETRIEVE_WPD is written before the run's base fields exist and carries no log_version.
  if (fields.logVersion !== undefined && fields.logVersion !== SUPPORTED_LOG_VERSION) {
    counters.unknownVersion++;
    return SKIPPED;
  }
  if (typeof line.run_id !== 'string' || line.run_id.length === 0) {
    counters.corrupt++;
    return SKIPPED;
  }
  const ts = typeof fields.timestamp === 'string' ? parseIsoMs(fields.timestamp) : Number.NaN;
  line.timestampMs = Number.isFinite(ts) ? ts : eventTimestampMs;
  counters.parsed++;
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
