// `caribou remove` and the router's `remove` action: delete every resource of a workflow in every
// region it reached, then its table entries — the workflow record last, so a failed removal can be
// re-run and finds what is left.
import { DeleteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { NotFoundError } from '../errors.js';
import type { RegionKey } from '../contracts/placement.js';
import type { WorkflowDeps } from './env.js';
import { readPlacement } from './placement-store.js';
import type { WorkflowRecord } from './record.js';
import { deleteFunctionLogGroup, deleteSyncTable, ignoreGone, removeFunctionRegion } from './resources.js';
import { regionCode } from '../runtime/placement.js';

export interface RemoveResult {
  workflowId: string;
  removedFunctionRegions: number;
}

export async function removeWorkflow({ workflowId }: { workflowId: string }, deps: WorkflowDeps): Promise<RemoveResult> {
  const cp = deps.controlPlane;
  const doc = deps.clients.doc(cp.region);
  const record = (await doc.send(new GetCommand({ TableName: cp.workflowsTable, Key: { workflow_id: workflowId }, ConsistentRead: true })))
    .Item as WorkflowRecord | undefined;
  if (!record)
    throw new NotFoundError(
      `workflow ${workflowId} is not deployed (no entry in ${cp.workflowsTable}); \`caribou list\` shows deployed workflows`,
    );
  const names = { workflowName: record.workflow_name, workflowVersion: record.workflow_version, workflowId };

  // Regions: what the record knows, plus whatever the migrator added to the placement.
  const targets = new Map<string, Set<RegionKey>>();
  const add = (fn: string, region: RegionKey) => {
    const set = targets.get(fn) ?? new Set<RegionKey>();
    set.add(region);
    targets.set(fn, set);
  };
  for (const fn of record.function_descriptions ?? []) add(fn.name, record.home_region);
  for (const [fn, regions] of Object.entries(record.deployed_regions ?? {})) for (const region of Object.keys(regions)) add(fn, region);
  // What a migrator rollback could not remove (services/migrator) is the workflow's too.
  for (const orphan of record.migrator?.orphans ?? []) add(orphan.function, orphan.region);
  try {
    const wpd = await readPlacement(doc, cp.placementsTable, workflowId);
    for (const [fn, regions] of Object.entries(wpd.endpoints)) for (const region of Object.keys(regions)) add(fn, region);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  let count = 0;
  for (const [fn, regions] of targets) {
    for (const region of regions) {
      deps.progress(`Removing ${fn} in ${regionCode(region)}…`);
      await removeFunctionRegion(names, fn, region, deps);
      count++;
    }
  }
  for (const [region, table] of Object.entries(record.sync_tables ?? {})) {
    deps.progress(`Removing table ${table} in ${regionCode(region)}…`);
    await deleteSyncTable(table, regionCode(region), deps);
  }
  // Code artifacts and by-reference payloads.
  const s3 = deps.clients.s3(cp.region);
  for (const prefix of [`workflows/${workflowId}/`, `payloads/${workflowId}/`]) {
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: cp.artifactsBucket, Prefix: prefix, ContinuationToken: token }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (keys.length > 0) await s3.send(new DeleteObjectsCommand({ Bucket: cp.artifactsBucket, Delete: { Objects: keys } }));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
  // Control-plane entries: placement, staged plan, summaries, collected workflow data; record last.
  await ignoreGone(() => doc.send(new DeleteCommand({ TableName: cp.placementsTable, Key: { workflow_id: workflowId } })));
  if (cp.stagingTable)
    await ignoreGone(() => doc.send(new DeleteCommand({ TableName: cp.stagingTable!, Key: { workflow_id: workflowId } })));
  if (cp.collectorTable)
    await ignoreGone(() =>
      doc.send(new DeleteCommand({ TableName: cp.collectorTable!, Key: { table_name: 'workflow_instance', key: workflowId } })),
    );
  if (cp.summariesTable) {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await doc.send(
        new QueryCommand({
          TableName: cp.summariesTable,
          KeyConditionExpression: 'workflow_id = :id',
          ExpressionAttributeValues: { ':id': workflowId },
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) {
        await doc.send(
          new DeleteCommand({ TableName: cp.summariesTable, Key: { workflow_id: workflowId, sync_window: item.sync_window } }),
        );
      }
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }
  // An invocation already running when its function was deleted (a duplicate delivery, a sync node's
  // late caller) still writes its log lines, and Lambda recreates the log group for them: sweep the
  // log groups once more, after everything else, so such a group does not outlive the workflow.
  for (const [fn, regions] of targets) for (const region of regions) await deleteFunctionLogGroup(names, fn, region, deps);
  await doc.send(new DeleteCommand({ TableName: cp.workflowsTable, Key: { workflow_id: workflowId } }));
  return { workflowId, removedFunctionRegions: count };
}
