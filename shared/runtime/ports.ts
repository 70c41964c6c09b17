// What the runtime needs from the outside world, injected so the core runs on AWS, on local mode and
// in memory (unit tests, simulateWorkflow) unchanged.
import type { WorkflowPlacementDocument } from '../contracts/placement.js';
import type { PayloadRef } from './envelope.js';

export interface Transport {
  /** Sends one message body to a queue in a region (region code, e.g. us-east-1). */
  send(region: string, queueUrl: string, body: string): Promise<void>;
}

export interface PayloadStore {
  put(key: string, body: string): Promise<PayloadRef>;
  get(ref: PayloadRef): Promise<string>;
}

export type ClaimResult = 'claimed' | 'completed' | 'busy';

export interface EdgeReport {
  /** edge id -> true when the call was made, false when it was skipped. */
  edges: Record<string, boolean>;
  consumedWriteCapacity: number;
}

/** The workflow's state table (home region): execution claims and synchronization records. */
export interface StateStore {
  /** Claims (run, instance) for one attempt; a completed claim means "already done". */
  claimExecution(key: string, owner: string, leaseS: number, now: Date): Promise<ClaimResult>;
  completeExecution(key: string, owner: string): Promise<void>;
  releaseExecution(key: string, owner: string): Promise<void>;
  /** Stores one call site's payload for a sync node (JSON text or an S3 reference). */
  putSyncPayload(runId: string, syncInstance: string, edgeId: string, value: { json?: string; ref?: PayloadRef }): Promise<void>;
  /** Records that an edge into a sync node was taken (direct) or skipped; returns every report so far. */
  reportEdge(runId: string, syncInstance: string, edgeId: string, direct: boolean): Promise<EdgeReport>;
  /** Claims the right to fire a sync node; true for the first claimant and when the same claimant asks again. */
  claimSync(runId: string, syncInstance: string, claimant: string): Promise<boolean>;
  getSyncPayloads(runId: string, syncInstance: string, edgeIds: string[]): Promise<Record<string, { json?: string; ref?: PayloadRef }>>;
}

export interface PlacementSource {
  get(workflowId: string): Promise<WorkflowPlacementDocument>;
}

export interface RuntimeLog {
  /** One structured line; `event` is the line's type (docs/runtime-logs.md). */
  info(event: string, fields: Record<string, unknown>): void;
  error(event: string, fields: Record<string, unknown>): void;
}
