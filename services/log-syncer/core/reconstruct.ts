// Run reconstruction: the lines of one run (any order, any log group) → a SyncedRun, or "not yet".
// A run is complete when every instance a message was sent to has executed (or was dropped by a
// guard) and the REPORT line of every invocation that executed one of its instances was read (so
// cold starts are known). Until then it stays pending; past the pending timeout it is finalised as
// failed (a handler that kept throwing, a message in a DLQ).
import type { SyncedEdge, SyncedInstance, SyncedRun } from '../../../shared/contracts/workflow-summary.js';
import type { ReportLine, RuntimeLine } from './parse.js';

/** What reconstruction needs from the workflow's DAG. */
export interface DagView {
  entryInstance: string;
  /** edge id → caller/callee. */
  edges: Record<string, { from: string; to: string }>;
  syncInstances: ReadonlySet<string>;
}

export function dagView(dag: {
  entry_instance: string;
  instances: Record<string, { is_sync: boolean }>;
  edges: Record<string, { from: string; to: string }>;
}): DagView {
  return {
    entryInstance: dag.entry_instance,
    edges: dag.edges,
    syncInstances: new Set(
      Object.entries(dag.instances)
        .filter(([, i]) => i.is_sync)
        .map(([name]) => name),
    ),
  };
}

/** Identity of a line inside its run: re-reading a window never adds a line twice. */
export function lineKey(line: RuntimeLine): string {
  // Plain concatenation (no template/String() calls): this runs once per line on the hot path.
  return (
    line.caribou_event +
    '|' +
    (line.instance as string) +
    '|' +
    (line.taint as string) +
    '|' +
    ((line.edge_id ?? line.sync_node) as string) +
    '|' +
    line.timestampMs +
    '|' +
    (line.function_request_id as string)
  );
}

/**
 * Drops lines read twice (a range read again after an expired continuation token). A duplicate has
 * the same timestamp as its original, so keys are only built among lines sharing a millisecond.
 */
function dedupe(sorted: RuntimeLine[]): RuntimeLine[] {
  const out: RuntimeLine[] = [];
  let groupStart = 0;
  let keys: Set<string> | undefined;
  for (const line of sorted) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.timestampMs === line.timestampMs) {
      if (!keys) {
        keys = new Set();
        for (let j = groupStart; j < out.length; j++) keys.add(lineKey(out[j]!));
      }
      const key = lineKey(line);
      if (keys.has(key)) continue;
      keys.add(key);
    } else {
      groupStart = out.length;
      keys = undefined;
    }
    out.push(line);
  }
  return out;
}

export type Assessment = { state: 'incomplete' } | { state: 'orphan' } | { state: 'complete'; run: SyncedRun };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * @param force finalise even if incomplete (pending timeout): a run without ENTRY_POINT is an orphan
 * (lines of a run counted before or lost), anything else is a failed run.
 */
export function assembleRun(
  runId: string,
  input: readonly RuntimeLine[],
  reports: ReadonlyMap<string, ReportLine>,
  dag: DagView,
  force = false,
): Assessment {
  const lines = dedupe([...input].sort((a, b) => a.timestampMs - b.timestampMs));
  let entry: RuntimeLine | undefined;
  let wpd: RuntimeLine | undefined;
  const executed = new Map<string, RuntimeLine>();
  const firstInvokedByTaint = new Map<string, RuntimeLine>();
  const invokedByInstance = new Map<string, RuntimeLine[]>();
  const downloads = new Map<string, RuntimeLine>();
  const exceptions = new Map<string, number>();
  const duplicates = new Map<string, number>();
  const expected = new Set<string>([dag.entryInstance]);
  const dropped = new Set<string>();
  const sends: RuntimeLine[] = [];
  for (const line of lines) {
    const instance = str(line.instance);
    switch (line.caribou_event) {
      case 'ENTRY_POINT':
        entry ??= line;
        break;
      case 'RETRIEVE_WPD':
        wpd ??= line;
        break;
      case 'INVOKED': {
        const taint = str(line.taint);
        if (taint && !firstInvokedByTaint.has(taint)) firstInvokedByTaint.set(taint, line);
        if (instance) {
          const list = invokedByInstance.get(instance);
          if (list) list.push(line);
          else invokedByInstance.set(instance, [line]);
        }
        break;
      }
      case 'EXECUTED':
        if (instance && !executed.has(instance)) executed.set(instance, line);
        break;
      case 'INVOKING_SUCCESSOR':
        if (line.successor_invoked === true && line.successor_is_sync !== true && str(line.successor)) expected.add(str(line.successor)!);
        sends.push(line);
        break;
      case 'CONDITIONAL_NON_EXECUTION':
        sends.push(line);
        break;
      case 'SYNC_NODE_FIRED':
        if (str(line.sync_node)) expected.add(str(line.sync_node)!);
        break;
      case 'DOWNLOAD_DATA_FROM_SYNC_TABLE':
        if (instance) downloads.set(instance, line);
        break;
      case 'CLIENT_CODE_EXCEPTION':
        if (instance) exceptions.set(instance, (exceptions.get(instance) ?? 0) + 1);
        break;
      case 'DUPLICATE_DELIVERY':
        if (instance) duplicates.set(instance, (duplicates.get(instance) ?? 0) + 1);
        break;
      case 'EXCEED_HOP_ERROR':
      case 'MISROUTED_MESSAGE':
        if (instance) dropped.add(instance);
        break;
      default:
        break;
    }
  }
  const allSettled = [...expected].every((i) => executed.has(i) || dropped.has(i));
  const reportsRead = [...executed.values()].every((l) => !str(l.function_request_id) || reports.has(str(l.function_request_id)!));
  if (!force && !(entry && allSettled && reportsRead)) return { state: 'incomplete' };
  if (!entry) return force ? { state: 'orphan' } : { state: 'incomplete' };

  const entryMs = entry.timestampMs;
  const startedMs = entryMs - 1000 * (num(entry.init_latency_from_client_s) ?? 0);
  const instances: SyncedInstance[] = [];
  for (const [name, line] of executed) {
    const requestId = str(line.function_request_id);
    const invoked = invokedByInstance.get(name) ?? [];
    const arrival = invoked.find((l) => str(l.function_request_id) === requestId) ?? invoked[invoked.length - 1];
    const report = requestId ? reports.get(requestId) : undefined;
    const cold = report ? report.initDurationS !== undefined : line.cold_start === true;
    const item: SyncedInstance = {
      instance: name,
      function: str(line.function) ?? '',
      region: str(line.region) ?? '',
      durationS: num(line.total_execution_time_s) ?? 0,
      userDurationS: num(line.user_execution_time_s) ?? 0,
      coldStart: cold,
      inputBytes: num(arrival?.payload_bytes) ?? 0,
      exceptions: exceptions.get(name) ?? 0,
      duplicateDeliveries: duplicates.get(name) ?? 0,
    };
    if (report?.initDurationS !== undefined) item.initDurationS = report.initDurationS;
    if (str(line.cpu_model)) item.cpuModel = str(line.cpu_model);
    const download = downloads.get(name);
    if (download) item.syncDownloadBytes = num(download.download_bytes) ?? 0;
    instances.push(item);
  }
  const edges: SyncedEdge[] = [];
  for (const line of sends) {
    const from = str(line.instance);
    const to = str(line.successor);
    if (!from || !to) continue;
    const edge: SyncedEdge = {
      from,
      to,
      fromRegion: str(line.region) ?? '',
      invoked: line.caribou_event === 'INVOKING_SUCCESSOR',
      toSyncNode: dag.syncInstances.has(to) || line.successor_is_sync === true,
    };
    const offset = num(line.invocation_time_from_function_start_s);
    if (offset !== undefined) edge.invocationOffsetS = offset;
    if (edge.invoked) {
      if (edge.toSyncNode) {
        edge.payloadBytes = num(line.upload_bytes) ?? 0;
        const toRegion = str(line.successor_region) ?? str(executed.get(to)?.region);
        if (toRegion) edge.toRegion = toRegion;
        // The message to a sync node is sent by the call that completed its set of edges.
        if (line.successor_invoked === true) {
          const arrival = (invokedByInstance.get(to) ?? [])[0];
          const latency = num(arrival?.queue_latency_s);
          if (latency !== undefined) edge.latencyS = latency;
        }
      } else {
        edge.payloadBytes = num(line.payload_bytes) ?? 0;
        const toRegion = str(line.successor_region);
        if (toRegion) edge.toRegion = toRegion;
        const arrival = firstInvokedByTaint.get(str(line.successor_taint) ?? '');
        const latency = num(arrival?.queue_latency_s);
        if (latency !== undefined) edge.latencyS = latency;
      }
    }
    edges.push(edge);
  }
  let endMs = entryMs;
  for (const line of lines) if (line.caribou_event === 'EXECUTED' || force) endMs = Math.max(endMs, line.timestampMs);
  const succeeded = allSettled && dropped.size === 0 && [...expected].every((i) => executed.has(i));
  const timeKey = entry.time_key;
  const run: SyncedRun = {
    run_id: runId,
    startedAt: new Date(startedMs).toISOString(),
    runtimeS: Math.max(0, (endMs - startedMs) / 1000),
    succeeded,
    entryRegion: str(entry.region) ?? '',
    planHour: typeof timeKey === 'number' ? timeKey : null,
    userPayloadBytes: num(entry.user_payload_bytes) ?? 0,
    wpdBytes: num(wpd?.wpd_bytes) ?? 0,
    initLatencyS: num(entry.init_latency_from_client_s) ?? 0,
    instances,
    edges,
  };
  return { state: 'complete', run };
}
