// `caribou deploy`: analyse the project, refuse a version that is already deployed, bundle each
// function, upload the code artifacts, create every resource in the home region, then store the
// workflow record and the initial (all-home) placement. Any failure rolls back what was created.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { AnalyzedProject } from '../analysis/project.js';
import { syncTableName } from '../analysis/names.js';
import type { FunctionEndpoint, RegionKey, WorkflowPlacementDocument } from '../contracts/placement.js';
import { ValidationError } from '../errors.js';
import { conditionFailed } from '../stores/conditional.js';
import { DEFAULT_HOME_REGION_RUN_RATIO } from '../analysis/config.js';
import { bundleFunction, type FunctionBundle } from './bundle.js';
import type { WorkflowDeps } from './env.js';
import { writePlacement } from './placement-store.js';
import type { WorkflowRecord } from './record.js';
import { createSyncTable, deployFunctionRegion, ignoreGone, messageTargets, workflowTags, type Ledger } from './resources.js';
import { runtimeEnvironment } from './runtime-env.js';

export { runtimeEnvironment };

export interface DeployResult {
  workflowId: string;
  homeRegion: RegionKey;
  functions: { name: string; functionName: string; queueUrl: string; codeBytes: number }[];
  durationS: number;
}

export const artifactKey = (workflowId: string, functionName: string) => `workflows/${workflowId}/${functionName}.zip`;

export interface DeployOptions {
  /** Extra variables for every function (e.g. CARIBOU_FAULT_DUPLICATE_SENDS=true in tests). */
  extraEnvironment?: Record<string, string>;
}

export async function deployWorkflow(project: AnalyzedProject, deps: WorkflowDeps, options: DeployOptions = {}): Promise<DeployResult> {
  const started = deps.now().getTime();
  const { dag, config } = project;
  const workflowId = dag.workflow_id;
  const homeRegion: RegionKey = `${config.home_region.provider}:${config.home_region.region}`;
  const home = config.home_region.region;
  const cp = deps.controlPlane;
  const doc = deps.clients.doc(cp.region);
  const names = { workflowName: dag.workflow_name, workflowVersion: dag.workflow_version, workflowId };
  const syncTable = syncTableName(cp.stackPrefix, dag.workflow_name, dag.workflow_version);
  const record: WorkflowRecord = {
    workflow_id: workflowId,
    workflow_name: dag.workflow_name,
    workflow_version: dag.workflow_version,
    status: 'DEPLOYING',
    deployed_at: deps.now().toISOString(),
    home_region: homeRegion,
    config,
    dag,
    function_descriptions: project.functions,
    iam_policy: project.iamPolicy,
    deployed_regions: {},
    sync_tables: { [homeRegion]: syncTable },
    artifacts: {},
  };

  // The record doubles as the deploy lock: a second deploy of the same version fails here.
  try {
    await doc.send(
      new PutCommand({ TableName: cp.workflowsTable, Item: record, ConditionExpression: 'attribute_not_exists(workflow_id)' }),
    );
  } catch (error) {
    if (conditionFailed(error)) {
      throw new ValidationError(
        `workflow ${workflowId} is already deployed: bump the version in app.ts and .caribou/config.yml to deploy a new one, or run \`caribou remove ${workflowId}\` first`,
      );
    }
    throw error;
  }
  const ledger: Ledger = [
    {
      what: `workflow record ${workflowId}`,
      run: () => ignoreGone(() => doc.send(new DeleteCommand({ TableName: cp.workflowsTable, Key: { workflow_id: workflowId } }))),
    },
  ];
  try {
    deps.progress(`Bundling ${project.functions.length} function(s)…`);
    const bundles: FunctionBundle[] = [];
    for (const fn of project.functions) bundles.push(await bundleFunction(project, fn.name));
    const s3 = deps.clients.s3(cp.region);
    for (const bundle of bundles) {
      const key = artifactKey(workflowId, bundle.functionName);
      await s3.send(new PutObjectCommand({ Bucket: cp.artifactsBucket, Key: key, Body: bundle.zip, ContentType: 'application/zip' }));
      ledger.push({
        what: `artifact ${key}`,
        run: () => ignoreGone(() => s3.send(new DeleteObjectCommand({ Bucket: cp.artifactsBucket, Key: key }))),
      });
      record.artifacts[bundle.functionName] = {
        bucket: cp.artifactsBucket,
        key,
        code_sha256: bundle.codeSha256,
        code_bytes: bundle.codeBytes,
      };
      deps.progress(`  ${bundle.functionName}: ${(bundle.codeBytes / 1024).toFixed(1)} KiB zip`);
    }
    deps.progress(`Creating sync table ${syncTable} in ${home}…`);
    await createSyncTable(syncTable, home, deps, ledger, workflowTags(deps, names));
    const ratio = config.home_region_run_ratio;
    const env = { ...runtimeEnvironment(record, deps, ratio), ...options.extraEnvironment };
    const endpoints: Record<string, Record<RegionKey, FunctionEndpoint>> = {};
    for (const fn of project.functions) {
      deps.progress(`Deploying ${fn.name} to ${home}…`);
      const resources = await deployFunctionRegion(
        {
          names,
          fn,
          regionKey: homeRegion,
          zip: bundles.find((b) => b.functionName === fn.name)!.zip,
          workflowPolicy: project.iamPolicy,
          runtimeEnv: env,
          syncTable: { name: syncTable, region: home },
          workflowFunctions: project.functions.map((f) => f.name),
          sendsTo: messageTargets(dag, fn.name),
        },
        deps,
        ledger,
      );
      record.deployed_regions[fn.name] = { [homeRegion]: resources };
      endpoints[fn.name] = { [homeRegion]: { queue_url: resources.queue_url, function_arn: resources.function_arn } };
    }
    const wpd: WorkflowPlacementDocument = {
      workflow_id: workflowId,
      home_region: homeRegion,
      instance_functions: Object.fromEntries(Object.values(dag.instances).map((i) => [i.instance_name, i.function_name])),
      endpoints,
      home_run_ratio: ratio ?? DEFAULT_HOME_REGION_RUN_RATIO,
    };
    await writePlacement(doc, cp.placementsTable, wpd);
    ledger.push({
      what: `placement ${workflowId}`,
      run: () => ignoreGone(() => doc.send(new DeleteCommand({ TableName: cp.placementsTable, Key: { workflow_id: workflowId } }))),
    });
    record.status = 'DEPLOYED';
    record.deployed_at = deps.now().toISOString();
    await doc.send(new PutCommand({ TableName: cp.workflowsTable, Item: record }));
  } catch (error) {
    deps.progress(`Deploy failed (${(error as Error).message}); rolling back ${ledger.length} step(s)…`);
    const problems: string[] = [];
    for (const undo of [...ledger].reverse()) {
      try {
        await undo.run();
      } catch (undoError) {
        problems.push(`${undo.what}: ${(undoError as Error).message}`);
      }
    }
    const suffix =
      problems.length > 0
        ? `; rollback left: ${problems.join('; ')} (run \`caribou remove ${workflowId}\`)`
        : '; everything it created was removed';
    throw new ValidationError(`deploy of ${workflowId} failed: ${(error as Error).message}${suffix}`, { cause: error });
  }
  return {
    workflowId,
    homeRegion,
    functions: project.functions.map((fn) => {
      const r = record.deployed_regions[fn.name]![homeRegion]!;
      return { name: fn.name, functionName: r.function_name, queueUrl: r.queue_url, codeBytes: record.artifacts[fn.name]!.code_bytes };
    }),
    durationS: (deps.now().getTime() - started) / 1000,
  };
}
