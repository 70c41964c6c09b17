// The workflow placement document (WPD): where every instance of a workflow runs, hour by hour.
// Written by the deployer (home only) and the migrator (after a solve); read by the runtime
// wrapper on every hop and by the solver/migrator. Stored in the placements table, key workflow_id.
// Keys stay snake_case like every stored document of the Python system.

/** "<provider>:<region>", e.g. "aws:us-east-1" (the Python system's region key format). */
export type RegionKey = string;

export interface FunctionEndpoint {
  /** SQS queue URL that feeds this physical function (the runtime sends successor messages here). */
  queue_url: string;
  /** Lambda function ARN of this physical function. */
  function_arn: string;
}

/** One metric set per the Python system's units: gCO2e, USD and seconds per run. */
export interface PlanMetrics {
  average_carbon: number;
  average_cost: number;
  average_runtime: number;
  tail_carbon: number;
  tail_cost: number;
  tail_runtime: number;
}

/**
 * A solved plan: one placement per solve hour. `hours` keys are numeric UTC hours ("0".."23");
 * the runtime picks the numerically largest key <= the current hour (the Python system compared
 * strings, so "6" beat "18"), and falls back to home when `expiry_time` has passed.
 */
export interface PlacementPlan {
  /** ISO-8601 UTC instant after which the plan is ignored and every instance runs at home. */
  expiry_time: string;
  /** Sorted numeric solve hours present in `hours`. */
  time_keys: number[];
  /** hour -> instance name -> region key. */
  hours: Record<string, Record<string, RegionKey>>;
  /** hour -> metrics of the chosen placement and of the all-home placement (for operators). */
  metrics?: Record<string, { metrics: PlanMetrics; home_metrics: PlanMetrics }>;
}

export interface WorkflowPlacementDocument {
  workflow_id: string;
  /** Region key of the home region (every instance runs here unless a plan says otherwise). */
  home_region: RegionKey;
  /** instance name -> function name (a function may have several instances). */
  instance_functions: Record<string, string>;
  /** function name -> region key -> endpoint, for every (function, region) that is deployed. */
  endpoints: Record<string, Record<RegionKey, FunctionEndpoint>>;
  /** The active plan, if the migrator applied one. */
  current_deployment?: PlacementPlan;
  /** Share of runs kept entirely in the home region (config.yml home_region_run_ratio; default 0.1). */
  home_run_ratio?: number;
  /**
   * Incremented by every conditional publish (the migrator): a writer that read version n writes
   * n + 1 only if the stored item still has n. Absent on a document the deployer wrote (version 0).
   */
  version?: number;
}
