// A plan solved by the deployment manager, waiting for the migrator. Stored in the solver-staging
// table (hash `workflow_id`); the migrator publishes `plan` into the workflow's placement document
// (shared/contracts/placement.ts) in one conditional write and then deletes this item.
// Writer: services/deployment-manager. Readers: services/migrator, the router
// (run_deployment_migrator fans out one re_deploy_workflow task per item), `caribou plan`.
import type { PlacementPlan, PlanMetrics, RegionKey } from './placement.js';

export interface StagedPlan {
  workflow_id: string;
  /** ISO-8601 UTC instant the plan was staged. */
  staged_at: string;
  /** The plan to publish (hours, time_keys, expiry_time, metrics per hour incl. home_metrics). */
  plan: PlacementPlan;
  /** Task id of the run_deployment_algorithm that produced it (idempotency, tracing). */
  solved_by_task: string;
  solver: {
    algorithm: string;
    calculator: 'simple' | 'go';
    durationS: number;
    evaluations: number;
  };
  /** Instances kept at home against the solver's wish, with the reason (hard constraint, no data...). */
  kept_home: Array<{ instance: string; reason: string }>;
  /**
   * Solve hours whose plan is not simply the search's best candidate, with the solver's reason:
   * the hour fell back to home (no deployment met the hard constraints) or the best candidate broke
   * a hard limit's confidence bound on the finalists' re-evaluation and the best compliant finalist
   * was chosen. `verification`: the common-draw re-evaluation the hour's metrics come from.
   * Optional (added in issue 16); absent when every hour chose the search's best.
   */
  hour_reasons?: Array<{
    hour: number;
    reason: string;
    verification?: { deployments: number; samplesPerDeployment: number; confidence: number };
  }>;
  /** Regions that were candidates (had collected data and were allowed). */
  candidate_regions: RegionKey[];
  /** Aggregate of the chosen plan vs all-home over the solve hours (gCO2e, USD, s per run). */
  expected: { plan: PlanMetrics; home: PlanMetrics };
}

/**
 * Deployment-manager bookkeeping, kept on the workflow's item in the workflows table under
 * `deployment_manager` (the Python system's deployment_manager_resource_table fields, with units).
 */
export interface DeploymentManagerState {
  /** ISO-8601 instant of the last check_workflow. */
  last_checked_at?: string;
  /** ISO-8601 instant of the last completed solve. */
  last_solved_at?: string;
  /** Tokens left after the last solve, gCO2e. */
  tokens_left_gCO2e: number;
  /** ISO-8601 instant before which check_workflow does nothing. */
  next_check_at?: string;
  /** Runs synced at the last solve (income counts new runs since). */
  runs_at_last_solve: number;
  /** Last decision, for operators: solved / not affordable / not enough data, with figures. */
  last_decision?: { at: string; outcome: string; detail: Record<string, unknown> };
}
