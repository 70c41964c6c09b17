// A pending run, assembled while its lines are read: each line is folded into its run as soon as it
// is parsed, so what stays alive until the run settles is one small record per line that
// reconstruction reads (per event: only its fields), not the line. Lines of events reconstruction
// never reads (INVOKING_SYNC_NODE, SYNC_NODE_SKIPPED, …) leave only their time and request id.
// Profiling showed that keeping whole line records alive until settling cost more in garbage
// collection than parsing them (docs/log-syncer.md, "Parsing lines").
//
// Exactly the semantics of sorting a run's lines by time (stable), dropping lines read twice and
// walking them once: reconstruction only ever compares lines of the same event, and a duplicate has
// the same event, so each event's records are sorted and deduplicated on their own (reconstruct.ts).
import type { LineSource } from './parse.js';

/** The fields of a line's identity (`lineKey`): a line read twice has the same ones. */
export interface LineIdentity {
  readonly event: string;
  readonly ts: number;
  readonly instance: unknown;
  readonly taint: unknown;
  /** `edge_id ?? sync_node`. */
  readonly edge: unknown;
  readonly rid: unknown;
}

/** ENTRY_POINT, RETRIEVE_WPD, INVOKED, DOWNLOAD_DATA_FROM_SYNC_TABLE, SYNC_NODE_FIRED and the per-instance markers. */
export interface Mark extends LineIdentity {
  /** ENTRY_POINT: region; RETRIEVE_WPD: wpd_bytes; INVOKED: payload_bytes; DOWNLOAD…: download_bytes; SYNC_NODE_FIRED: sync_node. */
  readonly v1: unknown;
  /** ENTRY_POINT: init_latency_from_client_s; INVOKED: queue_latency_s. */
  readonly v2: unknown;
  /** ENTRY_POINT: time_key. */
  readonly v3: unknown;
  /** ENTRY_POINT: user_payload_bytes. */
  readonly v4: unknown;
}

/** EXECUTED. */
export interface Execution extends LineIdentity {
  readonly fn: unknown;
  readonly region: unknown;
  readonly totalS: unknown;
  readonly userS: unknown;
  readonly coldStart: unknown;
  readonly cpuModel: unknown;
}

/** INVOKING_SUCCESSOR and CONDITIONAL_NON_EXECUTION: one edge each. */
export interface Send extends LineIdentity {
  readonly region: unknown;
  readonly successor: unknown;
  readonly successorIsSync: unknown;
  readonly successorInvoked: unknown;
  readonly successorRegion: unknown;
  readonly successorTaint: unknown;
  readonly offsetS: unknown;
  readonly uploadBytes: unknown;
  readonly payloadBytes: unknown;
}

/**
 * Names from the workflow's vocabulary (instances, functions, regions, edges, CPU models) recur in
 * every run: a kept record points at one shared copy instead of the one its line was parsed into.
 * Only a cache (records hold the string itself), so it is simply emptied when a foreign log fills it.
 */
const vocabulary = new Map<string, string>();
const VOCABULARY_MAX = 4096;
function shared(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const known = vocabulary.get(value);
  if (known !== undefined) return known;
  if (vocabulary.size >= VOCABULARY_MAX) vocabulary.clear();
  vocabulary.set(value, value);
  return value;
}

/**
 * Ids that change per invocation (taint, request id) repeat on the consecutive lines of one
 * invocation: a value equal to the previous line's is replaced by that line's copy.
 */
const TAINT = 0;
const REQUEST_ID = 1;
// Vocabulary fields that also repeat on consecutive lines: compared with the last value before the vocabulary is looked up.
const INSTANCE = 2;
const REGION = 3;
const FUNCTION = 4;
const CPU_MODEL = 5;
const last: unknown[] = [undefined, undefined, undefined, undefined, undefined, undefined];
function sameAsLast(slot: number, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (value === last[slot]) return last[slot];
  last[slot] = value;
  return value;
}

/** `shared`, first trying the previous line's value of the same field. */
function sharedAt(slot: number, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const previous = last[slot];
  if (value === previous) return previous;
  const known = shared(value);
  last[slot] = known;
  return known;
}

// Object literals (not `new`): V8 tracks their allocation sites and, seeing nearly every record
// survive until its run settles, can allocate them straight in old space (pretenuring).
const mark = (event: string, line: LineSource, ts: number, v1?: unknown, v2?: unknown, v3?: unknown, v4?: unknown): Mark => ({
  event,
  ts,
  instance: sharedAt(INSTANCE, line.instance),
  taint: sameAsLast(TAINT, line.taint),
  edge: shared(line.edge_id ?? line.sync_node),
  rid: sameAsLast(REQUEST_ID, line.function_request_id),
  v1,
  v2,
  v3,
  v4,
});

/** One pending run: its records per event, its time span and the request ids its lines carry. */
export class RunAccumulator {
  firstMs = Number.POSITIVE_INFINITY;
  lastMs = Number.NEGATIVE_INFINITY;
  /** Request ids of every line (a REPORT line is kept while a pending run names it). */
  readonly requestIds = new Set<string>();
  readonly entries: Mark[] = [];
  readonly wpds: Mark[] = [];
  readonly invoked: Mark[] = [];
  readonly executed: Execution[] = [];
  readonly sends: Send[] = [];
  /** DOWNLOAD_DATA_FROM_SYNC_TABLE, SYNC_NODE_FIRED, CLIENT_CODE_EXCEPTION, DUPLICATE_DELIVERY, EXCEED_HOP_ERROR, MISROUTED_MESSAGE. */
  readonly marks: Mark[] = [];

  private lastRequestId: unknown;

  /** Folds one line (a `RuntimeLine`, or a runtime line's parsed JSON object) read at `ts`. */
  add(line: LineSource, ts: number): void {
    if (ts < this.firstMs) this.firstMs = ts;
    if (ts > this.lastMs) this.lastMs = ts;
    const rid = sameAsLast(REQUEST_ID, line.function_request_id);
    if (typeof rid === 'string' && rid !== this.lastRequestId) {
      this.requestIds.add(rid);
      this.lastRequestId = rid;
    }
    const event = line.caribou_event;
    switch (event) {
      case 'INVOKING_SUCCESSOR':
      case 'CONDITIONAL_NON_EXECUTION':
        this.sends.push({
          event: event === 'INVOKING_SUCCESSOR' ? 'INVOKING_SUCCESSOR' : 'CONDITIONAL_NON_EXECUTION',
          ts,
          instance: sharedAt(INSTANCE, line.instance),
          taint: sameAsLast(TAINT, line.taint),
          edge: shared(line.edge_id ?? line.sync_node),
          rid,
          region: sharedAt(REGION, line.region),
          successor: shared(line.successor),
          successorIsSync: line.successor_is_sync,
          successorInvoked: line.successor_invoked,
          successorRegion: shared(line.successor_region),
          successorTaint: line.successor_taint,
          offsetS: line.invocation_time_from_function_start_s,
          uploadBytes: line.upload_bytes,
          payloadBytes: line.payload_bytes,
        });
        break;
      case 'INVOKED':
        this.invoked.push(mark('INVOKED', line, ts, line.payload_bytes, line.queue_latency_s));
        break;
      case 'EXECUTED':
        this.executed.push({
          event: 'EXECUTED',
          ts,
          instance: sharedAt(INSTANCE, line.instance),
          taint: sameAsLast(TAINT, line.taint),
          edge: shared(line.edge_id ?? line.sync_node),
          rid,
          fn: sharedAt(FUNCTION, line.function),
          region: sharedAt(REGION, line.region),
          totalS: line.total_execution_time_s,
          userS: line.user_execution_time_s,
          coldStart: line.cold_start,
          cpuModel: sharedAt(CPU_MODEL, line.cpu_model),
        });
        break;
      case 'ENTRY_POINT':
        this.entries.push(
          mark(
            'ENTRY_POINT',
            line,
            ts,
            sharedAt(REGION, line.region),
            line.init_latency_from_client_s,
            line.time_key,
            line.user_payload_bytes,
          ),
        );
        break;
      case 'RETRIEVE_WPD':
        this.wpds.push(mark('RETRIEVE_WPD', line, ts, line.wpd_bytes));
        break;
      case 'DOWNLOAD_DATA_FROM_SYNC_TABLE':
        this.marks.push(mark('DOWNLOAD_DATA_FROM_SYNC_TABLE', line, ts, line.download_bytes));
        break;
      case 'SYNC_NODE_FIRED':
        this.marks.push(mark('SYNC_NODE_FIRED', line, ts, shared(line.sync_node)));
        break;
      case 'CLIENT_CODE_EXCEPTION':
      case 'DUPLICATE_DELIVERY':
      case 'EXCEED_HOP_ERROR':
      case 'MISROUTED_MESSAGE':
        this.marks.push(mark(shared(event) as string, line, ts));
        break;
      default:
        break;
    }
  }

  /** The kept records as runtime lines (`LINE_FIELDS` names), for the state item; absent values omitted. */
  toLines(runId: string): Record<string, unknown>[] {
    const out: Record<string, unknown>[] = [];
    const put = (r: LineIdentity, fields: Record<string, unknown>) => {
      const line: Record<string, unknown> = { caribou_event: r.event, run_id: runId, timestampMs: r.ts };
      const all: Record<string, unknown> = { instance: r.instance, taint: r.taint, edge_id: r.edge, function_request_id: r.rid, ...fields };
      for (const key in all) if (all[key] !== undefined && all[key] !== null) line[key] = all[key];
      out.push(line);
    };
    for (const r of this.entries) put(r, { region: r.v1, init_latency_from_client_s: r.v2, time_key: r.v3, user_payload_bytes: r.v4 });
    for (const r of this.wpds) put(r, { wpd_bytes: r.v1 });
    for (const r of this.invoked) put(r, { payload_bytes: r.v1, queue_latency_s: r.v2 });
    for (const r of this.executed)
      put(r, {
        function: r.fn,
        region: r.region,
        total_execution_time_s: r.totalS,
        user_execution_time_s: r.userS,
        cold_start: r.coldStart,
        cpu_model: r.cpuModel,
      });
    for (const r of this.sends)
      put(r, {
        region: r.region,
        successor: r.successor,
        successor_is_sync: r.successorIsSync,
        successor_invoked: r.successorInvoked,
        successor_region: r.successorRegion,
        successor_taint: r.successorTaint,
        invocation_time_from_function_start_s: r.offsetS,
        upload_bytes: r.uploadBytes,
        payload_bytes: r.payloadBytes,
      });
    for (const r of this.marks) {
      if (r.event === 'DOWNLOAD_DATA_FROM_SYNC_TABLE') put(r, { download_bytes: r.v1 });
      else if (r.event === 'SYNC_NODE_FIRED') put(r, { sync_node: r.v1 });
      else put(r, {});
    }
    return out;
  }
}
