// A simulator of the runtime's log lines (shared/runtime/wrapper.ts semantics, docs/runtime-logs.md)
// for a workflow DAG: used by the log syncer's unit tests and benchmark. Deterministic for a seed.
import type { WorkflowDag } from '../../shared/analysis/dag.js';

export interface SimulatedEvent {
  /** "<region>|/aws/lambda/<function>" — one log group per (function, region). */
  group: string;
  timestampMs: number;
  message: string;
}

export interface SimulateOptions {
  runId: string;
  startMs: number;
  /** Region key ("aws:us-east-1") of an instance in this run. */
  regionOf?: (instance: string) => string;
  /** Whether a conditional call site is taken (unconditional ones always are). */
  taken?: (edgeId: string) => boolean;
  coldStart?: (instance: string) => boolean;
  /** Extra CLIENT_CODE_EXCEPTION attempts before the instance succeeds; Infinity: it never does. */
  failures?: (instance: string) => number;
  /** Deliver the message to this instance twice (the copy logs DUPLICATE_DELIVERY). */
  duplicate?: (instance: string) => boolean;
  random?: () => number;
  /** Lambda text prefix before the JSON (`<time>\t<request id>\tINFO\t`). */
  lambdaPrefix?: boolean;
}

export const groupOf = (dag: WorkflowDag, instance: string, region: string) =>
  `${region.slice(region.indexOf(':') + 1)}|/aws/lambda/${dag.workflow_name}-${dag.workflow_version.replaceAll('.', '_')}-${dag.instances[instance]!.function_name}_${region.replace(':', '-')}`;

let counter = 0;
const uuid = () =>
  `${(++counter).toString(16).padStart(8, '0')}-0000-4000-8000-${Math.floor(Math.random() * 1e12)
    .toString(16)
    .padStart(12, '0')}`;

export function simulateRun(dag: WorkflowDag, options: SimulateOptions): SimulatedEvent[] {
  const rnd = options.random ?? Math.random;
  const regionOf = options.regionOf ?? (() => 'aws:us-east-1');
  const taken = options.taken ?? (() => true);
  const events: SimulatedEvent[] = [];
  const base = (instance: string, taint: string, region: string) => ({
    log_version: '1',
    workflow_id: dag.workflow_id,
    run_id: options.runId,
    instance,
    function: dag.instances[instance]!.function_name,
    region,
    taint,
  });
  const emit = (
    instance: string,
    region: string,
    requestId: string,
    atMs: number,
    event: string,
    fields: Record<string, unknown>,
    level = 'INFO',
  ) => {
    const line = JSON.stringify({
      level,
      message: event,
      timestamp: new Date(atMs).toISOString(),
      service: dag.workflow_id,
      function_request_id: requestId,
      caribou: true,
      caribou_event: event,
      ...fields,
    });
    events.push({
      group: groupOf(dag, instance, region),
      timestampMs: atMs,
      message: options.lambdaPrefix ? `${new Date(atMs).toISOString()}\t${requestId}\tINFO\t${line}` : line,
    });
  };
  const report = (instance: string, region: string, requestId: string, atMs: number, cold: boolean) => {
    const parts = [
      `REPORT RequestId: ${requestId}`,
      'Duration: 12.00 ms',
      'Billed Duration: 13 ms',
      'Memory Size: 1024 MB',
      'Max Memory Used: 80 MB',
    ];
    if (cold) parts.push(`Init Duration: ${(150 + rnd() * 100).toFixed(2)} ms`);
    events.push({ group: groupOf(dag, instance, region), timestampMs: atMs, message: parts.join('\t') + '\t' });
  };
  const syncEdges = new Map<string, Map<string, boolean>>();
  const syncFired = new Set<string>();
  type Delivery = { instance: string; taint: string; edgeId: string | null; sentMs: number; hops: number };
  const queue: Delivery[] = [];
  const entryTaint = uuid();
  queue.push({ instance: dag.entry_instance, taint: entryTaint, edgeId: null, sentMs: options.startMs, hops: 0 });

  const fire = (
    sync: string,
    claimant: string,
    at: number,
    ctx: { instance: string; region: string; requestId: string; taint: string; hops: number },
  ): boolean => {
    const edges = syncEdges.get(sync)!;
    const node = dag.instances[sync]!;
    if (!node.incoming_edges.every((e) => edges.has(e))) return false;
    if (!node.incoming_edges.some((e) => edges.get(e))) {
      emit(ctx.instance, ctx.region, ctx.requestId, at, 'SYNC_NODE_SKIPPED', {
        ...base(ctx.instance, ctx.taint, ctx.region),
        sync_node: sync,
      });
      for (const e of node.outgoing_edges) settleSkip(e, at, ctx);
      return false;
    }
    if (syncFired.has(sync)) return false;
    syncFired.add(sync);
    const taint = uuid();
    emit(ctx.instance, ctx.region, ctx.requestId, at, 'SYNC_NODE_FIRED', {
      ...base(ctx.instance, ctx.taint, ctx.region),
      hops: ctx.hops,
      sync_node: sync,
      claimant_edge: claimant,
      successor_region: regionOf(sync),
      successor_taint: taint,
    });
    queue.push({ instance: sync, taint, edgeId: null, sentMs: at, hops: ctx.hops });
    return true;
  };
  const settleSkip = (
    edgeId: string,
    at: number,
    ctx: { instance: string; region: string; requestId: string; taint: string; hops: number },
  ): number => {
    const edge = dag.edges[edgeId]!;
    const target = dag.instances[edge.to]!;
    if (target.is_sync) {
      const edges = syncEdges.get(edge.to) ?? new Map<string, boolean>();
      syncEdges.set(edge.to, edges);
      edges.set(edgeId, false);
      emit(ctx.instance, ctx.region, ctx.requestId, at, 'INVOKING_SYNC_NODE', {
        ...base(ctx.instance, ctx.taint, ctx.region),
        hops: ctx.hops,
        edge_id: edgeId,
        sync_node: edge.to,
        direct: false,
        consumed_write_capacity: 1,
        sync_edges_reported: edges.size,
        sync_edges_expected: target.incoming_edges.length,
      });
      fire(edge.to, edgeId, at, ctx);
      return 1;
    }
    let n = 0;
    for (const e of target.outgoing_edges) n += settleSkip(e, at, ctx);
    return n;
  };

  /** The entry point's first lines of an attempt: RETRIEVE_WPD (first attempt only) and ENTRY_POINT. */
  const entryLines = (d: Delivery, region: string, requestId: string, t: number, hops: number, firstAttempt: boolean) => {
    if (firstAttempt)
      emit(d.instance, region, requestId, t, 'RETRIEVE_WPD', {
        workflow_id: dag.workflow_id,
        run_id: options.runId,
        send_to_home: false,
        time_key: null,
        wpd_bytes: 900,
      });
    emit(d.instance, region, requestId, t, 'ENTRY_POINT', {
      ...base(d.instance, d.taint, region),
      hops,
      user_payload_bytes: 60,
      request_source: 'external',
      send_to_home: false,
      time_key: null,
      init_latency_from_client_s: (t - d.sentMs) / 1000,
    });
  };

  let clock = options.startMs;
  while (queue.length > 0) {
    const d = queue.shift()!;
    const node = dag.instances[d.instance]!;
    const region = regionOf(d.instance);
    const hops = d.hops + 1;
    let t = Math.max(clock, d.sentMs) + 20 + Math.floor(rnd() * 80);
    const failures = options.failures?.(d.instance) ?? 0;
    let cold = options.coldStart?.(d.instance) ?? false;
    for (let attempt = 0; attempt < Math.min(failures, 3); attempt++) {
      const rid = uuid();
      if (node.is_entry) entryLines(d, region, rid, t, hops, attempt === 0);
      emit(d.instance, region, rid, t, 'INVOKED', {
        ...base(d.instance, d.taint, region),
        hops,
        edge_id: d.edgeId,
        payload_bytes: 200,
        queue_latency_s: (t - d.sentMs) / 1000,
      });
      emit(
        d.instance,
        region,
        rid,
        t + 5,
        'CLIENT_CODE_EXCEPTION',
        { ...base(d.instance, d.taint, region), hops, exception: 'boom', stack: 'Error: boom\n    at handler' },
        'ERROR',
      );
      report(d.instance, region, rid, t + 6, cold);
      cold = false;
      t += 1000;
    }
    if (failures > 3) continue; // message lands in the DLQ: the run never completes
    const requestId = uuid();
    const startMs = t;
    if (node.is_entry) entryLines(d, region, requestId, t, hops, failures === 0);
    const payloadBytes = 150 + Math.floor(rnd() * 300);
    emit(d.instance, region, requestId, t, 'INVOKED', {
      ...base(d.instance, d.taint, region),
      hops,
      edge_id: d.edgeId,
      payload_bytes: payloadBytes,
      queue_latency_s: (t - d.sentMs) / 1000,
    });
    if (node.is_sync)
      emit(d.instance, region, requestId, t + 3, 'DOWNLOAD_DATA_FROM_SYNC_TABLE', {
        ...base(d.instance, d.taint, region),
        download_bytes: 800,
        payloads: node.incoming_edges.length,
        download_time_s: 0.003,
      });
    t += 5 + Math.floor(rnd() * 40);
    const userEnd = t;
    const ctx = { instance: d.instance, region, requestId, taint: d.taint, hops };
    for (const edgeId of node.outgoing_edges) {
      const edge = dag.edges[edgeId]!;
      const target = dag.instances[edge.to]!;
      t += 2;
      const timing = { invocation_time_from_function_start_s: (t - startMs) / 1000, finish_time_from_invocation_start_s: 0.002 };
      const isTaken = !edge.conditional || taken(edgeId);
      if (!isTaken) {
        const reports = settleSkip(edgeId, t, ctx);
        emit(d.instance, region, requestId, t, 'CONDITIONAL_NON_EXECUTION', {
          ...base(d.instance, d.taint, region),
          hops,
          edge_id: edgeId,
          successor: edge.to,
          sync_edges_reported: reports,
          ...timing,
        });
        continue;
      }
      if (target.is_sync) {
        const edges = syncEdges.get(edge.to) ?? new Map<string, boolean>();
        syncEdges.set(edge.to, edges);
        edges.set(edgeId, true);
        const fired = fire(edge.to, edgeId, t, ctx);
        emit(d.instance, region, requestId, t, 'INVOKING_SUCCESSOR', {
          ...base(d.instance, d.taint, region),
          hops,
          edge_id: edgeId,
          successor: edge.to,
          successor_is_sync: true,
          successor_invoked: fired,
          successor_region: fired ? regionOf(edge.to) : null,
          uploaded_data_to_sync_table: true,
          upload_bytes: 300,
          upload_by_reference: false,
          consumed_write_capacity: 1,
          upload_rtt_s: 0.004,
          sync_edges_reported: edges.size,
          sync_edges_expected: target.incoming_edges.length,
          ...timing,
        });
        continue;
      }
      const taint = uuid();
      emit(d.instance, region, requestId, t, 'INVOKING_SUCCESSOR', {
        ...base(d.instance, d.taint, region),
        hops,
        edge_id: edgeId,
        successor: edge.to,
        successor_is_sync: false,
        successor_invoked: true,
        successor_region: regionOf(edge.to),
        successor_taint: taint,
        payload_bytes: 400,
        payload_by_reference: false,
        ...timing,
      });
      queue.push({ instance: edge.to, taint, edgeId, sentMs: t, hops });
    }
    t += 3;
    emit(d.instance, region, requestId, t, 'EXECUTED', {
      ...base(d.instance, d.taint, region),
      hops,
      user_execution_time_s: (userEnd - startMs) / 1000,
      total_execution_time_s: (t - startMs) / 1000,
      cpu_model: 'Intel(R) Xeon(R) Processor @ 2.50GHz',
    });
    report(d.instance, region, requestId, t + 1, cold);
    if (options.duplicate?.(d.instance)) {
      const rid = uuid();
      emit(d.instance, region, rid, t + 500, 'DUPLICATE_DELIVERY', { ...base(d.instance, d.taint, region), hops });
      report(d.instance, region, rid, t + 501, false);
    }
    clock = Math.max(clock, startMs);
  }
  return events;
}

/** A deterministic PRNG (mulberry32) for repeatable logs. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
