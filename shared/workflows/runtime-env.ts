// The environment every deployed workflow function gets besides its own variables. Apart from the
// deployer so the migrator's bundle can use it without esbuild (bundle.ts) coming along.
import type { WorkflowDeps } from './env.js';
import type { WorkflowRecord } from './record.js';

/** Environment every deployed function of the workflow gets (besides its own variables). */
export function runtimeEnvironment(
  record: Pick<WorkflowRecord, 'workflow_id' | 'home_region' | 'sync_tables'>,
  deps: WorkflowDeps,
  ratio?: number,
): Record<string, string> {
  const cp = deps.controlPlane;
  const homeRegion = record.home_region.slice(record.home_region.indexOf(':') + 1);
  return {
    CARIBOU_WORKFLOW_ID: record.workflow_id,
    CARIBOU_HOME_REGION: homeRegion,
    CARIBOU_SYNC_TABLE: record.sync_tables[record.home_region]!,
    CARIBOU_PLACEMENTS_TABLE: cp.placementsTable,
    CARIBOU_ARTIFACTS_BUCKET: cp.artifactsBucket,
    ...(cp.region ? { CARIBOU_CONTROL_REGION: cp.region } : {}),
    ...(ratio !== undefined ? { CARIBOU_HOME_RUN_RATIO: String(ratio) } : {}),
    POWERTOOLS_SERVICE_NAME: record.workflow_id,
    // Nothing silences the AWS SDK's Node-version warning: the functions run the declared
    // nodejs22.x on Lambda, and on the same major in local mode (local/runtime/function-node.ts).
  };
}
