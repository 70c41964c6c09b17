// In-memory implementations of the runtime's ports and a message-pump that runs a whole workflow in
// one process: what unit tests (and a project's own tests) use to exercise the real runtime logic,
// including duplicated and reordered deliveries.
import { randomUUID } from 'node:crypto';
import type { WorkflowPlacementDocument } from '../contracts/placement.js';
import type { WorkflowDag } from '../analysis/dag.js';
import type { CaribouWorkflow } from '../sdk/workflow.js';
import { ENVELOPE_MARK, type Envelope, type PayloadRef } from './envelope.js';
import { startRun } from './placement.js';
import type { ClaimResult, EdgeReport, PayloadStore, PlacementSource, RuntimeLog, StateStore, Transport } from './ports.js';
import { handleMessage, type HandleResult, type RuntimeDeps } from './wrapper.js';

export class MemoryState implements StateStore {
  readonly claims = new Map<string, { owner: string; status: 'IN_PROGRESS' | 'COMPLETED'; expiresMs: number }>();
  readonly edges = new Map<string, Record<string, boolean>>();
  readonly syncPayloads = new Map<string, { json?: string; ref?: PayloadRef }>();
  readonly syncClaims = new Map<string, string>();

  async claimExecution(key: string, owner: string, leaseS: number, now: Date): Promise<ClaimResult> {
    const current = this.claims.get(key);
    if (current?.status === 'COMPLETED') return 'completed';
    if (current && current.expiresMs > now.getTime()) return 'busy';
    this.claims.set(key, { owner, status: 'IN_PROGRESS', expiresMs: now.getTime() + leaseS * 1000 });
    return 'claimed';
  }
  async completeExecution(key: string, owner: string): Promise<void> {
    const current = this.claims.get(key);
    if (current && current.owner === owner) current.status = 'COMPLETED';
  }
  async releaseExecution(key: string, owner: string): Promise<void> {
    if (this.claims.get(key)?.owner === owner) this.claims.delete(key);
  }
  async putSyncPayload(runId: string, sync: string, edgeId: string, value: { json?: string; ref?: PayloadRef }): Promise<void> {
    this.syncPayloads.set(`${runId}|${sync}|${edgeId}`, value);
  }
  async reportEdge(runId: string, sync: string, edgeId: string, direct: boolean): Promise<EdgeReport> {
    const key = `${runId}|${sync}`;
    const edges = this.edges.get(key) ?? {};
    if (direct) edges[edgeId] = true;
    else if (!(edgeId in edges)) edges[edgeId] = false;
    this.edges.set(key, edges);
    return { edges: { ...edges }, consumedWriteCapacity: 1 };
  }
  async claimSync(runId: string, sync: string, claimant: string): Promise<boolean> {
    const key = `${runId}|${sync}`;
    const current = this.syncClaims.get(key);
    if (current !== undefined && current !== claimant) return false;
    this.syncClaims.set(key, claimant);
    return true;
  }
  async getSyncPayloads(runId: string, sync: string, edgeIds: string[]): Promise<Record<string, { json?: string; ref?: PayloadRef }>> {
    const out: Record<string, { json?: string; ref?: PayloadRef }> = {};
    for (const edgeId of edgeIds) {
      const value = this.syncPayloads.get(`${runId}|${sync}|${edgeId}`);
      if (value) out[edgeId] = value;
    }
    return out;
  }
}

export class MemoryPayloads implements PayloadStore {
  readonly objects = new Map<string, string>();
  async put(key: string, body: string): Promise<PayloadRef> {
    this.objects.set(key, body);
    return { bucket: 'memory', key };
  }
  async get(ref: PayloadRef): Promise<string> {
    const body = this.objects.get(ref.key);
    if (body === undefined) throw new Error(`no payload object ${ref.key}`);
    return body;
  }
}

export class MemoryTransport implements Transport {
  readonly sent: { region: string; queueUrl: string; body: string }[] = [];
  async send(region: string, queueUrl: string, body: string): Promise<void> {
    this.sent.push({ region, queueUrl, body });
  }
}

export class MemoryLog implements RuntimeLog {
  readonly lines: { level: 'INFO' | 'ERROR'; event: string; [field: string]: unknown }[] = [];
  info(event: string, fields: Record<string, unknown>): void {
    this.lines.push({ level: 'INFO', event, ...fields });
  }
  error(event: string, fields: Record<string, unknown>): void {
    this.lines.push({ level: 'ERROR', event, ...fields });
  }
}

export const memoryQueueUrl = (fn: string, region: string) => `memory://${region}/${fn}`;

/** A WPD with every function deployed (in memory) in the given regions; everything home. */
export function memoryPlacement(dag: WorkflowDag, homeRegion = 'aws:us-east-1', extraRegions: string[] = []): WorkflowPlacementDocument {
  const functions = [...new Set(Object.values(dag.instances).map((i) => i.function_name))];
  return {
    workflow_id: dag.workflow_id,
    home_region: homeRegion,
    instance_functions: Object.fromEntries(Object.values(dag.instances).map((i) => [i.instance_name, i.function_name])),
    endpoints: Object.fromEntries(
      functions.map((fn) => [
        fn,
        Object.fromEntries(
          [homeRegion, ...extraRegions].map((r) => [r, { queue_url: memoryQueueUrl(fn, r), function_arn: `arn:memory:${r}:${fn}` }]),
        ),
      ]),
    ),
  };
}

export interface SimulationOptions {
  /** Deliver every message twice (the second copy after the first was processed). */
  duplicateEveryMessage?: boolean;
  /** Deliver queued messages in reverse order (a simple reordering). */
  reverseOrder?: boolean;
  wpd?: WorkflowPlacementDocument;
  now?: () => Date;
  random?: () => number;
  maxHops?: number;
  /** Stop after this many deliveries (guards a broken test against looping forever). */
  maxDeliveries?: number;
  /** Use these ports instead of in-memory ones (e.g. the DynamoDB state table, S3 payloads). */
  state?: StateStore;
  payloads?: PayloadStore;
}

export interface SimulationResult {
  runId: string;
  /** Instances executed, in execution order (each at most once). */
  executed: string[];
  /** instance -> handler result. */
  results: Record<string, unknown>;
  /** instance -> region key it ran in. */
  regions: Record<string, string>;
  deliveries: number;
  duplicatesIgnored: number;
  log: MemoryLog;
  state: StateStore;
}

/** Runs one workflow run to completion in memory through the real runtime wrapper. */
export async function simulateWorkflow(
  deployed: { workflow: CaribouWorkflow; dag: WorkflowDag },
  input: unknown,
  options: SimulationOptions = {},
): Promise<SimulationResult> {
  const wpd = options.wpd ?? memoryPlacement(deployed.dag);
  const state = options.state ?? new MemoryState();
  const payloads = options.payloads ?? new MemoryPayloads();
  const transport = new MemoryTransport();
  const log = new MemoryLog();
  const now = options.now ?? (() => new Date());
  const placements: PlacementSource = { get: async () => wpd };
  const byQueue = new Map<string, { fn: string; region: string }>();
  for (const [fn, regions] of Object.entries(wpd.endpoints))
    for (const [region, ep] of Object.entries(regions)) byQueue.set(ep.queue_url, { fn, region });
  const run = startRun(wpd, {
    runId: randomUUID().replaceAll('-', ''),
    now: now(),
    draw: (options.random ?? Math.random)(),
    homeRunRatio: wpd.home_run_ratio ?? 0.1,
    requestSource: 'simulation',
  });
  const entryFn = deployed.dag.instances[deployed.dag.entry_instance]!.function_name;
  const entry: Envelope = {
    [ENVELOPE_MARK]: true,
    run,
    instance: deployed.dag.entry_instance,
    taint: randomUUID(),
    hops: 0,
    payload: input,
    sent_at: now().toISOString(),
  };
  const entryQueue = wpd.endpoints[entryFn]?.[run.home_region]?.queue_url ?? memoryQueueUrl(entryFn, run.home_region);
  const pending: { queueUrl: string; body: string; copy: boolean }[] = [{ queueUrl: entryQueue, body: JSON.stringify(entry), copy: false }];
  const result: SimulationResult = {
    runId: run.run_id,
    executed: [],
    results: {},
    regions: {},
    deliveries: 0,
    duplicatesIgnored: 0,
    log,
    state,
  };
  const maxDeliveries = options.maxDeliveries ?? 1000;
  while (pending.length > 0) {
    if (result.deliveries >= maxDeliveries) throw new Error(`simulation exceeded ${maxDeliveries} deliveries`);
    const message = options.reverseOrder ? pending.pop()! : pending.shift()!;
    const target = byQueue.get(message.queueUrl);
    if (!target) throw new Error(`message sent to unknown queue ${message.queueUrl}`);
    const deps: RuntimeDeps = {
      transport,
      payloads,
      state,
      placements,
      log,
      now,
      random: options.random ?? Math.random,
      uuid: randomUUID,
      region: target.region,
      claimLeaseS: 60,
      ...(options.maxHops !== undefined ? { maxHops: options.maxHops } : {}),
    };
    const before = transport.sent.length;
    result.deliveries++;
    const outcome: HandleResult = await handleMessage(
      message.body,
      { workflow: deployed.workflow, dag: deployed.dag, functionName: target.fn },
      deps,
    );
    if (outcome.status === 'executed' && outcome.instance) {
      result.executed.push(outcome.instance);
      result.results[outcome.instance] = outcome.result;
      result.regions[outcome.instance] = target.region;
    }
    if (outcome.status === 'duplicate') result.duplicatesIgnored++;
    for (const sent of transport.sent.slice(before)) pending.push({ queueUrl: sent.queueUrl, body: sent.body, copy: false });
    if (options.duplicateEveryMessage && !message.copy) pending.push({ ...message, copy: true });
  }
  return result;
}
