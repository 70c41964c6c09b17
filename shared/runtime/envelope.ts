// What travels in one SQS message per hop. The run context is fixed when the run starts (hour key,
// home-or-not, plan snapshot) and carried on every hop, so all hops of a run agree on placement.
import type { FunctionEndpoint, RegionKey } from '../contracts/placement.js';

export const ENVELOPE_MARK = 'caribou_envelope_v1';
export const LOG_VERSION = '1';

export interface RunContext {
  workflow_id: string;
  run_id: string;
  home_region: RegionKey;
  /** The run stays in the home region (a share of runs does, caribou-spec §3.3). */
  send_to_home: boolean;
  /** Numeric plan hour chosen for this run, or null when no plan applies. */
  time_key: number | null;
  /** ISO instant after which the plan is ignored (checked at every hop). */
  expiry_time: string | null;
  /** instance -> region key for the run's hour; null means "all home". */
  placement: Record<string, RegionKey> | null;
  /** function -> region key -> endpoint (snapshot of the WPD's endpoints). */
  endpoints: Record<string, Record<RegionKey, FunctionEndpoint>>;
  /** ISO instant the run started. */
  started_at: string;
  /** Where the run came from (CLI, router, external trigger). */
  request_source: string;
}

export interface PayloadRef {
  bucket: string;
  key: string;
}

export interface Envelope {
  [ENVELOPE_MARK]: true;
  run: RunContext;
  /** Receiving instance. */
  instance: string;
  /** The DAG edge this message travels (absent for the entry message). */
  edge_id?: string;
  /** Fresh per message; joins the sender's and receiver's log lines. */
  taint: string;
  /** Hops of the sender (0 for the entry message). */
  hops: number;
  payload?: unknown;
  /** Set instead of `payload` when the payload did not fit in an SQS message. */
  payload_ref?: PayloadRef;
  sent_at: string;
}

export function isEnvelope(value: unknown): value is Envelope {
  return typeof value === 'object' && value !== null && (value as Record<string, unknown>)[ENVELOPE_MARK] === true;
}

/** SQS allows 256 KiB per message; keep a margin for attributes and encoding. */
export const SQS_BODY_LIMIT_BYTES = 240_000;
/** DynamoDB items stop at 400 KB: bigger sync payloads go to S3 too. */
export const SYNC_ITEM_LIMIT_BYTES = 300_000;
export const DEFAULT_MAX_HOPS = 20;

/** A direct invoke `{ "caribou_health_check": { "workflow_id": ... } }` (the migrator's probe). */
export const HEALTH_CHECK_KEY = 'caribou_health_check';

export interface HealthAnswer {
  caribou_health: 'ok';
  workflow_id: string;
  function: string;
  region: string;
  /** Version of the placement document the function read (proves it reaches the control plane). */
  placement_version: number;
}

export interface HealthCheckEvent {
  [HEALTH_CHECK_KEY]: { workflow_id?: string };
}
