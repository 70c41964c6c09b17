// The per-message algorithm of a deployed workflow function (caribou-spec §3.3–3.5, redesigned):
// claim the (run, instance) execution, run the user handler in an SDK scope, then settle every
// outgoing call site in order: send to a successor's queue, report to a sync node (which fires
// exactly once through a conditional write), or propagate the non-execution of a skipped call.
import { cpus } from 'node:os';
import { runInScope, type InvocationScope } from '../sdk/context.js';
import type { CaribouWorkflow } from '../sdk/workflow.js';
import type { DagInstance, WorkflowDag } from '../analysis/dag.js';
import { LoopGuardError, TransientError, ValidationError } from '../errors.js';
import {
  DEFAULT_MAX_HOPS,
  ENVELOPE_MARK,
  LOG_VERSION,
  SQS_BODY_LIMIT_BYTES,
  SYNC_ITEM_LIMIT_BYTES,
  isEnvelope,
  type Envelope,
  type RunContext,
} from './envelope.js';
import { endpointFor, regionCode, regionFor, startRun } from './placement.js';
import type { PayloadStore, PlacementSource, RuntimeLog, StateStore, Transport } from './ports.js';

export interface RuntimeDeps {
  transport: Transport;
  payloads: PayloadStore;
  state: StateStore;
  placements: PlacementSource;
  log: RuntimeLog;
  now: () => Date;
  random: () => number;
  uuid: () => string;
  /** Region key this function runs in, e.g. aws:us-east-1. */
  region: string;
  maxHops?: number;
  /** Share of externally triggered runs kept home (default 0.1). */
  homeRunRatio?: number;
  /** Seconds a claim is held before another delivery may take over (function timeout + margin). */
  claimLeaseS: number;
}

export interface DeployedFunction {
  workflow: CaribouWorkflow;
  dag: WorkflowDag;
  functionName: string;
}

export type Outcome = 'executed' | 'duplicate' | 'dropped';
export interface HandleResult {
  status: Outcome;
  instance?: string;
  runId?: string;
  /** The handler's return value (executed messages only). */
  result?: unknown;
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
const seconds = (fromMs: number, toMs: number) => Math.round(toMs - fromMs) / 1000;
const INSTANCE_SUFFIX = /[^A-Za-z0-9_-]/g;

type Intent = { functionName: string; payload: unknown; condition: boolean };

/**
 * One hop's state (one message handled by one instance): what every step below needs, passed as
 * one object instead of long positional argument lists.
 */
export interface HopContext {
  fn: DeployedFunction;
  deps: RuntimeDeps;
  run: RunContext;
  /** The instance this message runs (checked to belong to this function). */
  instance: DagInstance;
  /** Hops of the run including this one (the loop guard's count). */
  hops: number;
  /** Fields of every log line of this hop. */
  base: Record<string, unknown>;
  /** When the message was picked up (epoch ms). */
  startMs: number;
}

/** Handles one message body addressed to this function. Throws to make SQS retry it. */
export async function handleMessage(body: string, fn: DeployedFunction, deps: RuntimeDeps): Promise<HandleResult> {
  const startMs = deps.now().getTime();
  const envelope = await toEnvelope(body, fn, deps);
  const { run } = envelope;
  const instance = fn.dag.instances[envelope.instance];
  const base = {
    log_version: LOG_VERSION,
    workflow_id: run.workflow_id,
    run_id: run.run_id,
    instance: envelope.instance,
    function: fn.functionName,
    region: deps.region,
    taint: envelope.taint,
  };
  const dropped: HandleResult = { status: 'dropped', instance: envelope.instance, runId: run.run_id };
  if (!instance || instance.function_name !== fn.functionName) {
    deps.log.error('MISROUTED_MESSAGE', {
      ...base,
      message: `instance ${envelope.instance} is not an instance of function ${fn.functionName}`,
    });
    return dropped;
  }
  const hops = Math.max(0, Math.trunc(envelope.hops || 0)) + 1;
  const maxHops = deps.maxHops ?? DEFAULT_MAX_HOPS;
  if (hops > maxHops) {
    const error = new LoopGuardError(`run ${run.run_id}: ${hops} hops exceed the limit of ${maxHops} at ${envelope.instance}`);
    deps.log.error('EXCEED_HOP_ERROR', { ...base, hops, max_hops: maxHops, message: error.message });
    return dropped;
  }
  const hop: HopContext = { fn, deps, run, instance, hops, base, startMs };
  const claimKey = `exec#${run.run_id}#${envelope.instance}`;
  const owner = deps.uuid();
  const claim = await deps.state.claimExecution(claimKey, owner, deps.claimLeaseS, deps.now());
  if (claim === 'completed') {
    deps.log.info('DUPLICATE_DELIVERY', { ...base, hops });
    return { status: 'duplicate', instance: envelope.instance, runId: run.run_id };
  }
  if (claim === 'busy')
    throw new TransientError(`${envelope.instance} of run ${run.run_id} is being executed by another delivery; retry later`);

  try {
    const payload = await receivePayload(hop, envelope);
    const userStartMs = deps.now().getTime();
    const { result, intents } = await runUserHandler(hop, payload);
    const userEndMs = deps.now().getTime();
    for (const { edgeId, intent } of matchIntents(hop, intents)) await settleCallSite(hop, edgeId, intent);
    await deps.state.completeExecution(claimKey, owner);
    const endMs = deps.now().getTime();
    deps.log.info('EXECUTED', {
      ...base,
      hops,
      user_execution_time_s: seconds(userStartMs, userEndMs),
      total_execution_time_s: seconds(startMs, endMs),
      cpu_model: cpuModel(),
    });
    return { status: 'executed', instance: envelope.instance, runId: run.run_id, result };
  } catch (error) {
    await deps.state.releaseExecution(claimKey, owner).catch(() => undefined);
    throw error;
  }
}

/** The message's payload (inline or by reference), logged as ENTRY_POINT (entry only) and INVOKED. */
async function receivePayload(hop: HopContext, envelope: Envelope): Promise<unknown> {
  const { deps, run, instance, hops, base, startMs } = hop;
  let payload = envelope.payload;
  let payloadBytes = payload === undefined ? 0 : bytes(JSON.stringify(payload));
  if (envelope.payload_ref) {
    const text = await deps.payloads.get(envelope.payload_ref);
    payload = JSON.parse(text);
    payloadBytes = bytes(text);
  }
  if (instance.is_entry) {
    deps.log.info('ENTRY_POINT', {
      ...base,
      hops,
      user_payload_bytes: payloadBytes,
      request_source: run.request_source,
      send_to_home: run.send_to_home,
      time_key: run.time_key,
      init_latency_from_client_s: seconds(Date.parse(envelope.sent_at), startMs),
    });
  }
  deps.log.info('INVOKED', {
    ...base,
    hops,
    edge_id: envelope.edge_id ?? null,
    payload_bytes: payloadBytes,
    queue_latency_s: seconds(Date.parse(envelope.sent_at), startMs),
  });
  return payload;
}

/** Runs the user's handler in an SDK scope; returns its result and the successor calls it made. */
async function runUserHandler(hop: HopContext, payload: unknown): Promise<{ result: unknown; intents: Intent[] }> {
  const { fn, deps, run, instance, hops, base } = hop;
  const intents: Intent[] = [];
  const scope: InvocationScope = {
    runId: run.run_id,
    instanceName: instance.instance_name,
    invoke: (functionName, p, condition) => intents.push({ functionName, payload: p, condition }),
    getPredecessorData: () => readPredecessorData(hop),
  };
  try {
    const handler = fn.workflow.getFunction(fn.functionName)?.handler;
    if (!handler) throw new ValidationError(`function ${fn.functionName} is not registered in the bundled workflow`);
    const result = await runInScope(scope, () => handler(instance.is_sync ? {} : (payload ?? {})));
    return { result, intents };
  } catch (error) {
    deps.log.error('CLIENT_CODE_EXCEPTION', {
      ...base,
      hops,
      exception: (error as Error)?.message ?? String(error),
      stack: (error as Error)?.stack,
    });
    throw error;
  }
}

/** Settles one outgoing call site: skipped (propagated), reported to a sync node, or sent. */
async function settleCallSite(hop: HopContext, edgeId: string, intent: Intent | undefined): Promise<void> {
  const { fn, deps, run, hops, base, startMs } = hop;
  const edge = fn.dag.edges[edgeId]!;
  const target = fn.dag.instances[edge.to]!;
  const invocationStartMs = deps.now().getTime();
  const timing = () => ({
    invocation_time_from_function_start_s: seconds(startMs, invocationStartMs),
    finish_time_from_invocation_start_s: seconds(invocationStartMs, deps.now().getTime()),
  });
  if (!intent || !intent.condition) {
    const reports = await settleSkip(hop, edgeId);
    deps.log.info('CONDITIONAL_NON_EXECUTION', {
      ...base,
      hops,
      edge_id: edgeId,
      successor: edge.to,
      sync_edges_reported: reports,
      ...timing(),
    });
    return;
  }
  if (target.is_sync) {
    const json = JSON.stringify(intent.payload ?? null);
    const value =
      bytes(json) > SYNC_ITEM_LIMIT_BYTES
        ? { ref: await deps.payloads.put(`payloads/${run.workflow_id}/${run.run_id}/sync-${safe(edgeId)}.json`, json) }
        : { json };
    const uploadStart = deps.now().getTime();
    await deps.state.putSyncPayload(run.run_id, target.instance_name, edgeId, value);
    const report = await deps.state.reportEdge(run.run_id, target.instance_name, edgeId, true);
    const uploadRttS = seconds(uploadStart, deps.now().getTime());
    const fired = await maybeFireSync(hop, target, edgeId, report.edges);
    deps.log.info('INVOKING_SUCCESSOR', {
      ...base,
      hops,
      edge_id: edgeId,
      successor: edge.to,
      successor_is_sync: true,
      successor_invoked: fired.fired,
      successor_region: fired.region ?? null,
      uploaded_data_to_sync_table: true,
      upload_bytes: bytes(json),
      upload_by_reference: Boolean(value.ref),
      consumed_write_capacity: report.consumedWriteCapacity,
      upload_rtt_s: uploadRttS,
      sync_edges_reported: Object.keys(report.edges).length,
      sync_edges_expected: target.incoming_edges.length,
      ...timing(),
    });
    return;
  }
  const sent = await sendTo(hop, target, edgeId, intent.payload);
  deps.log.info('INVOKING_SUCCESSOR', {
    ...base,
    hops,
    edge_id: edgeId,
    successor: edge.to,
    successor_is_sync: false,
    successor_invoked: true,
    successor_region: sent.region,
    successor_taint: sent.taint,
    payload_bytes: sent.bytes,
    payload_by_reference: sent.byReference,
    ...timing(),
  });
}

/** CPU model of the execution environment (caribou-spec §3.7 USED_CPU_MODEL), for the solver's runtime model. */
const cpuModel = () => cpus()[0]?.model?.trim() ?? 'unknown';

const safe = (text: string) => text.replace(INSTANCE_SUFFIX, '_');

/** Maps the handler's invoke calls to call sites: the j-th call to F is the j-th call site to F. */
function matchIntents(hop: HopContext, intents: Intent[]): { edgeId: string; intent?: Intent }[] {
  const { instance, base } = hop;
  const { dag } = hop.fn;
  const byFunction = new Map<string, Intent[]>();
  for (const intent of intents) {
    const list = byFunction.get(intent.functionName) ?? [];
    list.push(intent);
    byFunction.set(intent.functionName, list);
  }
  const used = new Map<string, number>();
  const out = instance.outgoing_edges.map((edgeId) => {
    const targetFn = dag.instances[dag.edges[edgeId]!.to]!.function_name;
    const j = used.get(targetFn) ?? 0;
    used.set(targetFn, j + 1);
    const intent = byFunction.get(targetFn)?.[j];
    if (!intent)
      hop.deps.log.error('MISSING_INVOKE', {
        ...base,
        edge_id: edgeId,
        message: `the handler did not reach call site ${edgeId}; treated as not taken`,
      });
    return intent ? { edgeId, intent } : { edgeId };
  });
  for (const [name, list] of byFunction) {
    if (list.length > (used.get(name) ?? 0)) {
      throw new ValidationError(
        `${instance.instance_name} invoked ${name} ${list.length} times but static analysis found ${used.get(name) ?? 0} call sites; redeploy after changing the code`,
      );
    }
  }
  return out;
}

async function sendTo(
  hop: HopContext,
  target: DagInstance,
  edgeId: string | undefined,
  payload: unknown,
): Promise<{ region: string; taint: string; bytes: number; byReference: boolean }> {
  const { deps, run, hops } = hop;
  const wanted = regionFor(run, target.instance_name, deps.now());
  const endpoint = endpointFor(run, target.function_name, wanted);
  const taint = deps.uuid();
  const envelope: Envelope = { [ENVELOPE_MARK]: true, run, instance: target.instance_name, taint, hops, sent_at: deps.now().toISOString() };
  if (edgeId) envelope.edge_id = edgeId;
  if (payload !== undefined) envelope.payload = payload;
  let body = JSON.stringify(envelope);
  let byReference = false;
  if (bytes(body) > SQS_BODY_LIMIT_BYTES) {
    const text = JSON.stringify(payload);
    delete envelope.payload;
    envelope.payload_ref = await deps.payloads.put(`payloads/${run.workflow_id}/${run.run_id}/${taint}.json`, text);
    body = JSON.stringify(envelope);
    byReference = true;
  }
  await deps.transport.send(regionCode(endpoint.region), endpoint.queueUrl, body);
  return { region: endpoint.region, taint, bytes: bytes(body), byReference };
}

/** Fires a sync node when every incoming call site is settled and at least one was taken. */
async function maybeFireSync(
  hop: HopContext,
  sync: DagInstance,
  claimant: string,
  edges: Record<string, boolean>,
): Promise<{ fired: boolean; region?: string }> {
  const { deps, run, hops, base } = hop;
  const complete = sync.incoming_edges.every((e) => e in edges);
  if (!complete) return { fired: false };
  const anyDirect = sync.incoming_edges.some((e) => edges[e] === true);
  if (!anyDirect) {
    // Nobody calls this sync node in this run: settle everything that depended on it.
    deps.log.info('SYNC_NODE_SKIPPED', { ...base, sync_node: sync.instance_name });
    for (const edgeId of sync.outgoing_edges) await settleSkip(hop, edgeId);
    return { fired: false };
  }
  if (!(await deps.state.claimSync(run.run_id, sync.instance_name, claimant))) return { fired: false };
  const sent = await sendTo(hop, sync, undefined, undefined);
  deps.log.info('SYNC_NODE_FIRED', {
    ...base,
    hops,
    sync_node: sync.instance_name,
    claimant_edge: claimant,
    successor_region: sent.region,
    successor_taint: sent.taint,
  });
  return { fired: true, region: sent.region };
}

/** A call site not taken: its sync target (or every sync node behind a skipped non-sync target) learns it. */
async function settleSkip(hop: HopContext, edgeId: string): Promise<number> {
  const { fn, deps, run, hops, base } = hop;
  const edge = fn.dag.edges[edgeId]!;
  const target = fn.dag.instances[edge.to]!;
  if (target.is_sync) {
    const report = await deps.state.reportEdge(run.run_id, target.instance_name, edgeId, false);
    deps.log.info('INVOKING_SYNC_NODE', {
      ...base,
      hops,
      edge_id: edgeId,
      sync_node: target.instance_name,
      direct: false,
      consumed_write_capacity: report.consumedWriteCapacity,
      sync_edges_reported: Object.keys(report.edges).length,
      sync_edges_expected: target.incoming_edges.length,
    });
    await maybeFireSync(hop, target, edgeId, report.edges);
    return 1;
  }
  let count = 0;
  for (const next of target.outgoing_edges) count += await settleSkip(hop, next);
  return count;
}

async function readPredecessorData(hop: HopContext): Promise<unknown[]> {
  const { deps, run, instance, base } = hop;
  if (!instance.is_sync)
    throw new ValidationError(`getPredecessorData called in ${instance.instance_name}, which static analysis did not mark as a sync node`);
  const start = deps.now().getTime();
  const stored = await deps.state.getSyncPayloads(run.run_id, instance.instance_name, instance.incoming_edges);
  const out: unknown[] = [];
  let total = 0;
  for (const edgeId of instance.incoming_edges) {
    const value = stored[edgeId];
    if (!value) continue;
    const text = value.ref ? await deps.payloads.get(value.ref) : (value.json ?? 'null');
    total += bytes(text);
    out.push(JSON.parse(text));
  }
  deps.log.info('DOWNLOAD_DATA_FROM_SYNC_TABLE', {
    ...base,
    download_bytes: total,
    payloads: out.length,
    download_time_s: seconds(start, deps.now().getTime()),
  });
  return out;
}

/** Envelope of this message; a body that is not an envelope is an external trigger of the entry point. */
async function toEnvelope(body: string, fn: DeployedFunction, deps: RuntimeDeps): Promise<Envelope> {
  let parsed: unknown = body;
  try {
    parsed = JSON.parse(body);
  } catch {
    // Not JSON: the raw text is the run's input.
  }
  if (isEnvelope(parsed)) return parsed;
  const entry = fn.dag.instances[fn.dag.entry_instance]!;
  if (entry.function_name !== fn.functionName) {
    throw new ValidationError(
      `function ${fn.functionName} received a message that is not a Caribou envelope; only the entry point accepts external input`,
    );
  }
  const wpd = await deps.placements.get(fn.dag.workflow_id);
  const now = deps.now();
  const run = startRun(wpd, {
    runId: deps.uuid().replaceAll('-', ''),
    now,
    draw: deps.random(),
    homeRunRatio: wpd.home_run_ratio ?? deps.homeRunRatio ?? 0.1,
    requestSource: 'external',
  });
  deps.log.info('RETRIEVE_WPD', {
    workflow_id: run.workflow_id,
    run_id: run.run_id,
    send_to_home: run.send_to_home,
    time_key: run.time_key,
    wpd_bytes: bytes(JSON.stringify(wpd)),
  });
  return {
    [ENVELOPE_MARK]: true,
    run,
    instance: fn.dag.entry_instance,
    taint: deps.uuid(),
    hops: 0,
    payload: parsed,
    sent_at: now.toISOString(),
  };
}
