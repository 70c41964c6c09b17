// Ports of the log syncer's core (implemented in ../adapters with the AWS SDK, in tests in memory).
import type { WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { SyncState } from './state.js';

/** One log group of one deployed (function, region). `key` is "<region>|<log group>". */
export interface LogGroupRef {
  key: string;
  region: string;
  logGroupName: string;
}

export interface LogEvent {
  message: string;
  timestampMs: number;
}

export interface LogPage {
  events: LogEvent[];
  nextToken?: string;
}

/** Reads events of one log group with timestamps in [startMs, endMs), one page per call (a missing group is an empty page). */
export interface LogSource {
  page(group: LogGroupRef, startMs: number, endMs: number, nextToken?: string): Promise<LogPage>;
}

export interface StoredSync {
  summary: WorkflowSummary;
  state: SyncState;
}

/** Thrown by SummaryStore.save when another sync wrote first. */
export class VersionConflictError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VersionConflictError';
  }
}

export interface SummaryStore {
  load(workflowId: string): Promise<StoredSync>;
  /** Writes summary and state together iff the stored summary's version is still `previousVersion`. */
  save(next: StoredSync, previousVersion: number): Promise<void>;
}

/** Hands the rest of a workflow's sync to the orchestrator (a follow-up sync_workflow task). */
export interface FollowUp {
  request(workflowId: string): Promise<void>;
}

export interface SyncClock {
  nowMs(): number;
  /** Time left before the task must have written everything (Lambda remaining time). */
  remainingMs(): number;
}
