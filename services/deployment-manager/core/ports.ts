// What the deployment manager's core needs from the outside world (implemented in ../adapters).
import type {
  CarbonDocument,
  PerformanceDocument,
  ProviderDocument,
  RegionDocument,
  WorkflowDocument,
} from '../../../shared/contracts/collected-data.js';
import type { Dispatcher } from '../../../shared/contracts/internal.js';
import type { RegionKey } from '../../../shared/contracts/placement.js';
import type { DeploymentManagerState, StagedPlan } from '../../../shared/contracts/staged-plan.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';

/** The workflows-table item with the manager's bookkeeping. */
export type ManagedWorkflow = WorkflowRecord & { deployment_manager?: DeploymentManagerState };

export interface WorkflowsPort {
  get(workflowId: string): Promise<ManagedWorkflow | undefined>;
  /** Replaces `deployment_manager` on the item; a no-op result (false) when the workflow was removed meanwhile. */
  writeState(workflowId: string, state: DeploymentManagerState): Promise<boolean>;
}

export interface CollectedPort {
  workflow(workflowId: string): Promise<WorkflowDocument | undefined>;
  regionDocuments(): Promise<{
    regions: RegionDocument[];
    provider: ProviderDocument[];
    carbon: CarbonDocument[];
    performance: PerformanceDocument[];
  }>;
}

export interface StagingPort {
  put(plan: StagedPlan): Promise<void>;
}

export interface DeploymentManagerPorts {
  workflows: WorkflowsPort;
  collected: CollectedPort;
  /**
   * Runs the workflow collector for one workflow and returns the workflow document it stored
   * (undefined: no runs synced yet).
   */
  collectWorkflow(workflowId: string): Promise<WorkflowDocument | undefined>;
  staging: StagingPort;
  dispatcher: Dispatcher;
  /** Region key of the control plane: the solver runs there, so its intensity prices a solve. */
  systemRegion: RegionKey;
  now(): Date;
  /** Milliseconds left in this invocation (Lambda context), for the solver's time budget. */
  remainingMs(): number;
}
