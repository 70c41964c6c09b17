// The log syncer's output: every synced run of a workflow, reconstructed from the runtime's log
// lines (docs/runtime-logs.md). Writer: services/log-syncer. Readers: the workflow collector (which
// turns it into the solver's WorkflowDocument), `caribou runs`, `caribou report`.
// Stored in the workflow-summaries table (hash `workflow_id`, range `sync_window`); the item with
// sync_window = SUMMARY_SYNC_WINDOW is the current summary; the log syncer owns any other items.
// Storage: `runs` is stored gzip-compressed in the attribute `runs_gz` (every other field as is);
// read it with summaryFromItem / readWorkflowSummary (shared/stores/workflow-summary-codec.ts,
// shared/stores/workflow-summaries.ts).
// Units: seconds (`*S`), bytes (`*Bytes`); times are ISO-8601 UTC strings.
import type { RegionKey } from './placement.js';

export const SUMMARY_SYNC_WINDOW = 'summary';

export interface SyncedInstance {
  instance: string;
  function: string;
  region: RegionKey;
  /** EXECUTED.total_execution_time_s. */
  durationS: number;
  /** EXECUTED.user_execution_time_s. */
  userDurationS: number;
  /** REPORT ... Init Duration present for this invocation (kept, flagged). */
  coldStart: boolean;
  /** Init Duration of the cold start, seconds. */
  initDurationS?: number;
  cpuModel?: string;
  /** INVOKED.payload_bytes (bytes the instance received). */
  inputBytes: number;
  /** DOWNLOAD_DATA_FROM_SYNC_TABLE.download_bytes, sync nodes only. */
  syncDownloadBytes?: number;
  /** The handler threw at least once (CLIENT_CODE_EXCEPTION) before this execution succeeded or the run failed. */
  exceptions: number;
  /** DUPLICATE_DELIVERY lines seen for this instance. */
  duplicateDeliveries: number;
}

export interface SyncedEdge {
  /** Caller and callee instance names. */
  from: string;
  to: string;
  fromRegion: RegionKey;
  /** Region of the callee (successor_region); absent when not invoked. */
  toRegion?: RegionKey;
  /** true: INVOKING_SUCCESSOR with successor_invoked (or SYNC_NODE_FIRED); false: CONDITIONAL_NON_EXECUTION. */
  invoked: boolean;
  /** To a sync node (payload went through the sync table). */
  toSyncNode: boolean;
  /** Bytes sent (payload_bytes or upload_bytes). */
  payloadBytes?: number;
  /** Receiver's INVOKED.queue_latency_s. */
  latencyS?: number;
  /** invocation_time_from_function_start_s of the caller. */
  invocationOffsetS?: number;
}

export interface SyncedRun {
  run_id: string;
  /** ENTRY_POINT.timestamp − init_latency_from_client_s. */
  startedAt: string;
  /** Last EXECUTED end − startedAt. */
  runtimeS: number;
  /** Every sent-to instance executed and no instance ended in CLIENT_CODE_EXCEPTION without a later EXECUTED. */
  succeeded: boolean;
  entryRegion: RegionKey;
  /** ENTRY_POINT.time_key: the plan hour in force (null: home / no plan). */
  planHour: number | null;
  userPayloadBytes: number;
  wpdBytes: number;
  initLatencyS: number;
  instances: SyncedInstance[];
  edges: SyncedEdge[];
}

export interface LineCounters {
  /** Runtime lines parsed. */
  parsed: number;
  /** Non-runtime lines (user logs, START/END), skipped. */
  foreign: number;
  /** Truncated or invalid JSON, skipped. */
  corrupt: number;
  /** Runtime lines with an unknown log_version, skipped. */
  unknownVersion: number;
}

export interface WorkflowSummary {
  workflow_id: string;
  sync_window: typeof SUMMARY_SYNC_WINDOW;
  /** Incremented by every write; writes are conditional on the previous value (optimistic). */
  version: number;
  /** Everything strictly before this instant (minus nothing) has been read, per log group key "<region>|<log group>". ISO-8601. */
  watermarks: Record<string, string>;
  /** ISO-8601 instant of the last successful sync. */
  lastSyncedAt: string;
  /** Total runs ever synced (runs[] keeps a bounded subset: most recent + rare samples). */
  totalRuns: number;
  /** Bounded sample of synced runs, newest last (size policy: docs/log-syncer.md). */
  runs: SyncedRun[];
  /** Runs seen but incomplete at the last window edge, picked up by the next sync. */
  pendingRunIds: string[];
  /** "YYYY-MM-DD" → runs started and runs failed that day. */
  daily: Record<string, { invocations: number; failures: number }>;
  lines: LineCounters;
}
