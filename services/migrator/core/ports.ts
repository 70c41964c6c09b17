// What the migrator's core needs from the world; services/migrator/adapters implements it on AWS,
// the unit tests in memory.
import type { WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import type { DeployedFunctionResources, MigratorState, WorkflowRecord } from '../../../shared/workflows/record.js';
import type { DeployedRegions, FunctionRegion } from './plan.js';

export interface MigratorStore {
  getRecord(workflowId: string): Promise<WorkflowRecord | undefined>;
  /** The placement document with its `version` (0 when the deployer wrote it). */
  getPlacement(workflowId: string): Promise<WorkflowPlacementDocument>;
  /** Conditional write on `expectedVersion`; returns the new version, PlacementConflictError otherwise. */
  publishPlacement(wpd: WorkflowPlacementDocument, expectedVersion: number): Promise<number>;
  getStagedPlan(workflowId: string): Promise<StagedPlan | undefined>;
  /** Deletes the staged plan only while it is still the one `solvedByTask` produced. */
  deleteStagedPlan(workflowId: string, solvedByTask: string): Promise<void>;
  /** Takes (or renews) the workflow's migrator lease; false while another owner holds it. */
  acquireLock(workflowId: string, owner: string, untilMs: number, nowMs: number): Promise<boolean>;
  releaseLock(workflowId: string, owner: string): Promise<void>;
  /** Writes the migrator's fields of the workflow record, only while `owner` holds the lease. */
  saveState(
    workflowId: string,
    owner: string,
    state: { deployed_regions: DeployedRegions; cleanup_due_at?: string; migrator: MigratorState },
  ): Promise<void>;
}

/** Whether resources named like a (function, region) of this workflow exist, and who made them. */
export type Ownership = 'absent' | 'ours' | { foreign: string };

export interface RegionDeployer {
  inspect(record: WorkflowRecord, fr: FunctionRegion): Promise<Ownership>;
  /** Creates queue + DLQ, role, function and mapping; removes its own partial work when it fails. */
  deploy(record: WorkflowRecord, fr: FunctionRegion): Promise<DeployedFunctionResources>;
  /** Resolves when the new function answers a health-check invoke; throws otherwise. */
  healthCheck(record: WorkflowRecord, fr: FunctionRegion, resources: DeployedFunctionResources): Promise<void>;
  /** Removes everything of the pair, found by name; "already gone" is fine. */
  remove(record: WorkflowRecord, fr: FunctionRegion): Promise<void>;
}

export interface MigratorLog {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}
