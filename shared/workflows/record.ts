// The workflows-table item of a deployed workflow (hash key workflow_id).
import type { WorkflowConfig } from '../analysis/config.js';
import type { WorkflowDag } from '../analysis/dag.js';
import type { FunctionDescription } from '../analysis/project.js';
import type { RegionKey } from '../contracts/placement.js';

export interface DeployedFunctionResources {
  function_name: string;
  function_arn: string;
  queue_url: string;
  queue_arn: string;
  dlq_url: string;
  role_name: string;
  event_source_mapping_uuid: string;
  /** ISO instant the migrator created these resources (absent for the deployer's home region). */
  deployed_at?: string;
  /**
   * ISO instant since which no published plan places this function here (set when a plan that
   * used it is replaced or a deployment was left unused); the migrator removes it a grace period later.
   */
  released_at?: string;
}

/** The migrator's bookkeeping on the workflow record (services/migrator). */
export interface MigratorState {
  /** (function, region) pairs a rollback could not remove; every later migrator task retries. */
  orphans?: { function: string; region: RegionKey; since: string }[];
  /** Last attempt and its outcome, for operators. */
  last_attempt_at?: string;
  last_outcome?: string;
  last_detail?: string;
}

export interface WorkflowRecord {
  workflow_id: string;
  workflow_name: string;
  workflow_version: string;
  /** DEPLOYING while `caribou deploy` runs (the item is the deploy lock), then DEPLOYED. */
  status: 'DEPLOYING' | 'DEPLOYED';
  deployed_at: string;
  /** Region key, e.g. aws:us-east-1. */
  home_region: RegionKey;
  config: WorkflowConfig;
  dag: WorkflowDag;
  function_descriptions: FunctionDescription[];
  /** IAM policy document of the workflow (config iam_policy_file, `aws` section). */
  iam_policy: unknown;
  /** function -> region key -> resources. */
  deployed_regions: Record<string, Record<RegionKey, DeployedFunctionResources>>;
  /** region key -> sync/state table name. */
  sync_tables: Record<RegionKey, string>;
  /** function -> code artifact in the artifacts bucket (the migrator copies it to new regions). */
  artifacts: Record<string, { bucket: string; key: string; code_sha256: string; code_bytes: number }>;
  /** ISO instant at which the migrator has unused regional deployments to remove (the router fans out then). */
  cleanup_due_at?: string;
  migrator?: MigratorState;
  /** Lease of the migrator task working on this workflow (one task at a time per workflow). */
  migrator_lock?: { owner: string; until_ms: number };
}
