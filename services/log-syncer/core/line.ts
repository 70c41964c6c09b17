// The shape a runtime line is kept in while its run is pending: only the fields reconstruction
// reads, in one fixed-shape object (one hidden class, in-object fields). Most of the cost of syncing
// was the garbage collector moving every field of every pending line.

/** A runtime line (docs/runtime-logs.md) reduced to `LINE_FIELDS`; `timestampMs` is the line's time. */
export interface RuntimeLine {
  caribou_event: string;
  run_id: string;
  timestampMs: number;
  [field: string]: unknown;
}

/** The fields of a runtime line that reconstruction (reconstruct.ts, sync.ts) reads; the rest are dropped. */
export const LINE_FIELDS = [
  'caribou_event',
  'run_id',
  'instance',
  'function',
  'region',
  'taint',
  'function_request_id',
  'cold_start',
  'edge_id',
  'sync_node',
  'successor',
  'successor_is_sync',
  'successor_invoked',
  'successor_region',
  'successor_taint',
  'payload_bytes',
  'queue_latency_s',
  'upload_bytes',
  'download_bytes',
  'invocation_time_from_function_start_s',
  'total_execution_time_s',
  'user_execution_time_s',
  'cpu_model',
  'init_latency_from_client_s',
  'time_key',
  'user_payload_bytes',
  'wpd_bytes',
] as const;
export type LineField = (typeof LINE_FIELDS)[number];

/**
 * One runtime line with a fixed shape (one hidden class, in-object fields): absent fields are
 * `undefined`. Both parse paths fill it the same way, so their results compare equal.
 */
export class LineRecord implements RuntimeLine {
  [field: string]: unknown;
  caribou_event: string = undefined as unknown as string;
  run_id: string = undefined as unknown as string;
  timestampMs = 0;
  instance: unknown = undefined;
  function: unknown = undefined;
  region: unknown = undefined;
  taint: unknown = undefined;
  function_request_id: unknown = undefined;
  cold_start: unknown = undefined;
  edge_id: unknown = undefined;
  sync_node: unknown = undefined;
  successor: unknown = undefined;
  successor_is_sync: unknown = undefined;
  successor_invoked: unknown = undefined;
  successor_region: unknown = undefined;
  successor_taint: unknown = undefined;
  payload_bytes: unknown = undefined;
  queue_latency_s: unknown = undefined;
  upload_bytes: unknown = undefined;
  download_bytes: unknown = undefined;
  invocation_time_from_function_start_s: unknown = undefined;
  total_execution_time_s: unknown = undefined;
  user_execution_time_s: unknown = undefined;
  cpu_model: unknown = undefined;
  init_latency_from_client_s: unknown = undefined;
  time_key: unknown = undefined;
  user_payload_bytes: unknown = undefined;
  wpd_bytes: unknown = undefined;
}

/** A line's fields as read, before validation: the kept ones plus the two only validation needs. */
export interface LineFields {
  record: LineRecord;
  logVersion: unknown;
  timestamp: unknown;
}

export function newLineRecord(): LineRecord {
  // An object literal (not `new`): V8 tracks its allocation site and, seeing nearly every record
  // survive until its run is assembled, allocates them straight in old space (pretenuring).
  return {
    caribou_event: undefined,
    run_id: undefined,
    timestampMs: 0,
    instance: undefined,
    function: undefined,
    region: undefined,
    taint: undefined,
    function_request_id: undefined,
    cold_start: undefined,
    edge_id: undefined,
    sync_node: undefined,
    successor: undefined,
    successor_is_sync: undefined,
    successor_invoked: undefined,
    successor_region: undefined,
    successor_taint: undefined,
    payload_bytes: undefined,
    queue_latency_s: undefined,
    upload_bytes: undefined,
    download_bytes: undefined,
    invocation_time_from_function_start_s: undefined,
    total_execution_time_s: undefined,
    user_execution_time_s: undefined,
    cpu_model: undefined,
    init_latency_from_client_s: undefined,
    time_key: undefined,
    user_payload_bytes: undefined,
    wpd_bytes: undefined,
  } as unknown as LineRecord;
}
