// Line parser: one CloudWatch message → a runtime line, a REPORT line, or nothing (counted). Never
// throws: user logs, START/END lines, truncated JSON and unknown log versions are counted and skipped.
import type { LineCounters } from '../../../shared/contracts/workflow-summary.js';

export const SUPPORTED_LOG_VERSION = '1';

/** A runtime line (docs/runtime-logs.md) as parsed JSON; `timestampMs` is the CloudWatch event time. */
export interface RuntimeLine {
  caribou_event: string;
  run_id: string;
  timestampMs: number;
  [field: string]: unknown;
}

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

/** Fields the reconstruction never reads: not stored with pending runs. */
export const UNUSED_FIELDS = new Set(['level', 'message', 'service', 'caribou', 'log_version', 'workflow_id', 'stack', 'function_memory_size', 'function_arn', 'function_name', 'sampling_rate', 'xray_trace_id', 'timestamp']);

export function parseMessage(message: string, eventTimestampMs: number, counters: LineCounters): ParsedMessage {
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
  // Cheap test before JSON.parse: user JSON logs and Lambda's START/END lines are not runtime lines.
  if (start < 0 || message.indexOf('"caribou_event"', start) < 0) {
    counters.foreign++;
    return SKIPPED;
  }
  let value: unknown;
  try {
    value = JSON.parse(start === 0 ? message : message.slice(start));
  } catch {
    counters.corrupt++;
    return SKIPPED;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    counters.corrupt++;
    return SKIPPED;
  }
  const line = value as Record<string, unknown>;
  if (typeof line.caribou_event !== 'string') {
    counters.foreign++;
    return SKIPPED;
  }
  // RETRIEVE_WPD is written before the run's base fields exist and carries no log_version.
  if (line.log_version !== undefined && line.log_version !== SUPPORTED_LOG_VERSION) {
    counters.unknownVersion++;
    return SKIPPED;
  }
  if (typeof line.run_id !== 'string' || line.run_id.length === 0) {
    counters.corrupt++;
    return SKIPPED;
  }
  const ts = typeof line.timestamp === 'string' ? Date.parse(line.timestamp) : Number.NaN;
  line.timestampMs = Number.isFinite(ts) ? ts : eventTimestampMs;
  counters.parsed++;
  return { kind: 'runtime', line: line as RuntimeLine };
}
