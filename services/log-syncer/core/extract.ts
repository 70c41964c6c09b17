// Field extractor for the runtime's line shape (docs/runtime-logs.md): one flat JSON object whose
// values are strings without escapes, numbers, booleans and null. It validates the whole object as
// JSON.parse would and copies only the kept fields (LINE_FIELDS), without building the other values.
// Anything outside that shape (an escape or control character, a nested value, bad syntax) returns
// undefined and the caller falls back to JSON.parse, so results never differ from the JSON.parse path.
import { LINE_FIELDS, newLineRecord, type LineFields, type LineRecord } from './line.js';

/** A backslash or a raw control character: the object is left to JSON.parse. */
const UNUSUAL = /[\u0000-\u001f\\]/g;

/** @param start index of the first `{` in `message`. */
export function extractFields(message: string, start: number): LineFields | undefined {
  const len = message.length;
  let end = len - 1;
  // JSON.parse allows whitespace after the object (a CloudWatch message may end with a newline).
  for (let c = message.charCodeAt(end); c === 32 || c === 10 || c === 13 || c === 9; c = message.charCodeAt(--end));
  if (end <= start || message.charCodeAt(end) !== 125 /* } */) return undefined;
  UNUSUAL.lastIndex = start;
  if (UNUSUAL.test(message) && UNUSUAL.lastIndex <= end) return undefined;

  const record = newLineRecord();
  let logVersion: unknown;
  let timestamp: unknown;
  let i = start + 1;
  while (message.charCodeAt(i) === 32) i++;
  if (i === end) return undefined; // `{}` has no caribou_event: JSON.parse decides
  for (;;) {
    // "key": recognised in place (no slice), by length then text.
    if (message.charCodeAt(i) !== 34) return undefined;
    const keyEnd = message.indexOf('"', i + 1);
    if (keyEnd < 0 || keyEnd >= end) return undefined;
    const slot = slotAt(message, i + 1, keyEnd - i - 1);
    i = keyEnd + 1;
    while (message.charCodeAt(i) === 32) i++;
    if (message.charCodeAt(i) !== 58 /* : */) return undefined;
    i++;
    while (message.charCodeAt(i) === 32) i++;
    // value: built only for the fields kept, validated for all.
    const c = message.charCodeAt(i);
    let value: unknown;
    if (c === 34 /* " */) {
      const valueEnd = message.indexOf('"', i + 1);
      if (valueEnd < 0 || valueEnd >= end) return undefined;
      if (slot !== SKIP) value = reuse(slot, message, i + 1, valueEnd);
      i = valueEnd + 1;
    } else if (c === 116 /* t */) {
      if (!message.startsWith('true', i)) return undefined;
      value = true;
      i += 4;
    } else if (c === 102 /* f */) {
      if (!message.startsWith('false', i)) return undefined;
      value = false;
      i += 5;
    } else if (c === 110 /* n */) {
      if (!message.startsWith('null', i)) return undefined;
      value = null;
      i += 4;
    } else {
      const numberEnd = scanNumber(message, i);
      if (numberEnd < 0) return undefined;
      if (slot !== SKIP) value = Number(message.slice(i, numberEnd));
      i = numberEnd;
    }
    if (slot !== SKIP) {
      if (slot === LOG_VERSION) logVersion = value;
      else if (slot === TIMESTAMP) timestamp = value;
      else store(record, slot, value);
    }
    while (message.charCodeAt(i) === 32) i++;
    const sep = message.charCodeAt(i);
    if (sep === 44 /* , */) {
      i++;
      while (message.charCodeAt(i) === 32) i++;
      continue;
    }
    // The object must close exactly at the last `}`; anything else is for JSON.parse to judge.
    if (sep === 125 && i === end) return { record, logVersion, timestamp };
    return undefined;
  }
}

const SKIP = -1;
const LOG_VERSION = -2;
const TIMESTAMP = -3;

/** Keys by length: [text, slot] (slot = index in LINE_FIELDS, or LOG_VERSION / TIMESTAMP). */
const BY_LENGTH: [string, number][][] = [];
for (const [name, slot] of [
  ...LINE_FIELDS.map((f, i) => [f, i] as const),
  ['log_version', LOG_VERSION] as const,
  ['timestamp', TIMESTAMP] as const,
]) {
  (BY_LENGTH[name.length] ??= []).push([name, slot]);
}

function slotAt(message: string, at: number, length: number): number {
  const candidates = BY_LENGTH[length];
  if (candidates !== undefined) for (const [name, slot] of candidates) if (message.startsWith(name, at)) return slot;
  return SKIP;
}

/**
 * The last string kept per slot. Consecutive lines of one invocation repeat their run id, instance,
 * taint, request id, function and region: reusing the string already kept (same text, checked in
 * place) means one copy in memory instead of one per line, and nothing new for the collector to move.
 */
const lastString: string[] = [...LINE_FIELDS.map(() => ''), '', ''];

function reuse(slot: number, message: string, from: number, to: number): string {
  const index = slot >= 0 ? slot : LINE_FIELDS.length - 2 - slot; // LOG_VERSION, TIMESTAMP after the fields
  const last = lastString[index]!;
  if (last.length === to - from && message.startsWith(last, from)) return last;
  const value = message.slice(from, to);
  lastString[index] = value;
  return value;
}

/** Named stores keep the record's one hidden class (a keyed store by a computed name would not). */
function store(r: LineRecord, slot: number, v: unknown): void {
  switch (slot) {
    case 0:
      r.caribou_event = v as string;
      break;
    case 1:
      r.run_id = v as string;
      break;
    case 2:
      r.instance = v;
      break;
    case 3:
      r.function = v;
      break;
    case 4:
      r.region = v;
      break;
    case 5:
      r.taint = v;
      break;
    case 6:
      r.function_request_id = v;
      break;
    case 7:
      r.cold_start = v;
      break;
    case 8:
      r.edge_id = v;
      break;
    case 9:
      r.sync_node = v;
      break;
    case 10:
      r.successor = v;
      break;
    case 11:
      r.successor_is_sync = v;
      break;
    case 12:
      r.successor_invoked = v;
      break;
    case 13:
      r.successor_region = v;
      break;
    case 14:
      r.successor_taint = v;
      break;
    case 15:
      r.payload_bytes = v;
      break;
    case 16:
      r.queue_latency_s = v;
      break;
    case 17:
      r.upload_bytes = v;
      break;
    case 18:
      r.download_bytes = v;
      break;
    case 19:
      r.invocation_time_from_function_start_s = v;
      break;
    case 20:
      r.total_execution_time_s = v;
      break;
    case 21:
      r.user_execution_time_s = v;
      break;
    case 22:
      r.cpu_model = v;
      break;
    case 23:
      r.init_latency_from_client_s = v;
      break;
    case 24:
      r.time_key = v;
      break;
    case 25:
      r.user_payload_bytes = v;
      break;
    case 26:
      r.wpd_bytes = v;
      break;
    default:
      throw new Error(`extract: no field for slot ${slot}`);
  }
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/** End index of a JSON number starting at `i` (RFC 8259 grammar), or -1. */
function scanNumber(s: string, i: number): number {
  if (s.charCodeAt(i) === 45 /* - */) i++;
  const first = s.charCodeAt(i);
  if (first === 48) i++;
  else if (first >= 49 && first <= 57) while (isDigit(s.charCodeAt(++i)));
  else return -1;
  if (s.charCodeAt(i) === 46 /* . */) {
    if (!isDigit(s.charCodeAt(++i))) return -1;
    while (isDigit(s.charCodeAt(++i)));
  }
  const e = s.charCodeAt(i);
  if (e === 101 || e === 69) {
    let c = s.charCodeAt(++i);
    if (c === 43 || c === 45) c = s.charCodeAt(++i);
    if (!isDigit(c)) return -1;
    while (isDigit(s.charCodeAt(++i)));
  }
  return i;
}
