// Run reconstruction: the lines of one run (any order, any log group) → a SyncedRun, or "not yet".
// A run is complete when every instance a message was sent to has executed (or was dropped by a
// guard) and the REPORT line of every invocation that executed one of its instances was read (so
// cold starts are known). Until then it stays pending; past the pending timeout it is finalised as
// failed (a handler that kept throwing, a message in a DLQ).
import type { SyncedEdge, SyncedInstance, SyncedRun } from '../../../shared/contracts/workflow-summary.js';
import type { RuntimeLine } from './parse.js';
import { RunAccumulator, type Execution, type LineIdentity, type Mark } from './accumulate.js';

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
  return identityKey(
    line.caribou_event,
    line.instance,
    line.taint,
    line.edge_id ?? line.sync_node,
    line.timestampMs,
    line.function_request_id,
  );
}

function identityKey(event: string, instance: unknown, taint: unknown, edge: unknown, ts: number, rid: unknown): string {
  // Plain concatenation (no template/String() calls).
  return event + '|' + (instance as string) + '|' + (taint as string) + '|' + (edge as string) + '|' + ts + '|' + (rid as string);
}

const keyOf = (r: LineIdentity) => identityKey(r.event, r.instance, r.taint, r.edge, r.ts, r.rid);
const byTime = (a: LineIdentity, b: LineIdentity) => a.ts - b.ts;

/**
 * One event's records in time order (stable: arrival order within a millisecond), without lines read
 * twice (a range read again after an expired continuation token). A duplicate has the same timestamp
 * as its original, so keys are only built among records sharing a millisecond.
 */
function settled<T extends LineIdentity>(records: readonly T[]): readonly T[] {
  // Records mostly arrive in order and rarely share a millisecond: then there is nothing to do.
  let sorted = true;
  let sameMs = false;
  for (let i = 1; i < records.length; i++) {
    const d = records[i]!.ts - records[i - 1]!.ts;
    if (d < 0) sorted = false;
    else if (d === 0) sameMs = true;
  }
  if (sorted && !sameMs) return records;
  const inOrder = sorted ? records : [...records].sort(byTime);
  const out: T[] = [];
  let groupStart = 0;
  let keys: Set<string> | undefined;
  for (const r of inOrder) {
    const prev = out[out.length - 1];
    if (prev !== undefined && prev.ts === r.ts) {
      if (!keys) {
        keys = new Set();
        for (let j = groupStart; j < out.length; j++) keys.add(keyOf(out[j]!));
      }
      const key = keyOf(r);
      if (keys.has(key)) continue;
      keys.add(key);
    } else {
      groupStart = out.length;
      keys = undefined;
    }
    out.push(r);
  }
  return out;
}

/** REPORT lines read: request id → the invocation's Init Duration in seconds when it was a cold start, else null. */
export type Reports = ReadonlyMap<string, number | null>;

export type Assessment = { state: 'incomplete' } | { state: 'orphan' } | { state: 'complete'; run: SyncedRun };

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The lines of one run (any order, read any number of times) → its assessment; see `assemble`.
 */
export function assembleRun(runId: string, input: readonly RuntimeLine[], reports: Reports, dag: DagView, force = false): Assessment {
  const run = new RunAccumulator();
  for (const line of input) run.add(line, line.timestampMs);
  return assemble(runId, run, reports, dag, force);
}

/**
 * @param force finalise even if incomplete (pending timeout): a run without ENTRY_POINT is an orphan
 * (lines of a run counted before or lost), anything else is a failed run.
 */
export function assemble(runId: string, acc: RunAccumulator, reports: Reports, dag: DagView, force = false): Assessment {
  const entry = settled(acc.entries)[0];
  const wpd = settled(acc.wpds)[0];
  const executed = new Map<string, Execution>();
  const firstInvokedByTaint = new Map<string, Mark>();
  const invokedByInstance = new Map<string, Mark[]>();
  const downloads = new Map<string, Mark>();
  const exceptions = new Map<string, number>();
  const duplicates = new Map<string, number>();
  const expected = new Set<string>([dag.entryInstance]);
  const dropped = new Set<string>();
  for (const r of settled(acc.invoked)) {
    const taint = str(r.taint);
    if (taint && !firstInvokedByTaint.has(taint)) firstInvokedByTaint.set(taint, r);
    const instance = str(r.instance);
    if (instance) {
      const list = invokedByInstance.get(instance);
      if (list) list.push(r);
      else invokedByInstance.set(instance, [r]);
    }
  }
  const executions = settled(acc.executed);
  for (const r of executions) {
    const instance = str(r.instance);
    if (instance && !executed.has(instance)) executed.set(instance, r);
  }
  const sends = settled(acc.sends);
  for (const r of sends)
    if (r.event === 'INVOKING_SUCCESSOR' && r.successorInvoked === true && r.successorIsSync !== true && str(r.successor))
      expected.add(str(r.successor)!);
  for (const r of settled(acc.marks)) {
    const instance = str(r.instance);
    switch (r.event) {
      case 'SYNC_NODE_FIRED':
        if (str(r.v1)) expected.add(str(r.v1)!);
        break;
      case 'DOWNLOAD_DATA_FROM_SYNC_TABLE':
        if (instance) downloads.set(instance, r);
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
  const reportsRead = [...executed.values()].every((r) => !str(r.rid) || reports.has(str(r.rid)!));
  if (!force && !(entry && allSettled && reportsRead)) return { state: 'incomplete' };
  if (!entry) return force ? { state: 'orphan' } : { state: 'incomplete' };

  const entryMs = entry.ts;
  const initLatencyS = num(entry.v2);
  const startedMs = entryMs - 1000 * (initLatencyS ?? 0);
  const instances: SyncedInstance[] = [];
  for (const [name, r] of executed) {
    const requestId = str(r.rid);
    const invoked = invokedByInstance.get(name) ?? [];
    const arrival = invoked.find((l) => str(l.rid) === requestId) ?? invoked[invoked.length - 1];
    // undefined: no REPORT read (Powertools' cold_start decides); null: a warm start.
    const initS = requestId ? reports.get(requestId) : undefined;
    const cold = initS !== undefined ? initS !== null : r.coldStart === true;
    const item: SyncedInstance = {
      instance: name,
      function: str(r.fn) ?? '',
      region: str(r.region) ?? '',
      durationS: num(r.totalS) ?? 0,
      userDurationS: num(r.userS) ?? 0,
      coldStart: cold,
      inputBytes: num(arrival?.v1) ?? 0,
      exceptions: exceptions.get(name) ?? 0,
      duplicateDeliveries: duplicates.get(name) ?? 0,
    };
    if (initS !== undefined && initS !== null) item.initDurationS = initS;
    if (str(r.cpuModel)) item.cpuModel = str(r.cpuModel);
    const download = downloads.get(name);
    if (download) item.syncDownloadBytes = num(download.v1) ?? 0;
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
      invoked: line.event === 'INVOKING_SUCCESSOR',
      toSyncNode: dag.syncInstances.has(to) || line.successorIsSync === true,
    };
    const offset = num(line.offsetS);
    if (offset !== undefined) edge.invocationOffsetS = offset;
    if (edge.invoked) {
      if (edge.toSyncNode) {
        edge.payloadBytes = num(line.uploadBytes) ?? 0;
        const toRegion = str(line.successorRegion) ?? str(executed.get(to)?.region);
        if (toRegion) edge.toRegion = toRegion;
        // The message to a sync node is sent by the call that completed its set of edges.
        if (line.successorInvoked === true) {
          const arrival = (invokedByInstance.get(to) ?? [])[0];
          const latency = num(arrival?.v2);
          if (latency !== undefined) edge.latencyS = latency;
        }
      } else {
        edge.payloadBytes = num(line.payloadBytes) ?? 0;
        const toRegion = str(line.successorRegion);
        if (toRegion) edge.toRegion = toRegion;
        const arrival = firstInvokedByTaint.get(str(line.successorTaint) ?? '');
        const latency = num(arrival?.v2);
        if (latency !== undefined) edge.latencyS = latency;
      }
    }
    edges.push(edge);
  }
  // The last EXECUTED line (forced: the last line of any event).
  let endMs = force ? Math.max(entryMs, acc.lastMs) : entryMs;
  if (!force) for (const r of executions) endMs = Math.max(endMs, r.ts);
  const succeeded = allSettled && dropped.size === 0 && [...expected].every((i) => executed.has(i));
  const timeKey = entry.v3;
  const run: SyncedRun = {
    run_id: runId,
    startedAt: new Date(startedMs).toISOString(),
    runtimeS: Math.max(0, (endMs - startedMs) / 1000),
    succeeded,
    entryRegion: str(entry.v1) ?? '',
    planHour: typeof timeKey === 'number' ? timeKey : null,
    userPayloadBytes: num(entry.v4) ?? 0,
    wpdBytes: num(wpd?.v1) ?? 0,
    initLatencyS: initLatencyS ?? 0,
    instances,
    edges,
  };
  return { state: 'complete', run };
}
