// The workflow to sync, from its workflows-table record: one log group per deployed (function,
// region) — `/aws/lambda/<physical function name>` in that region — and its DAG.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { regionCode } from '../../../shared/runtime/placement.js';
import { dagView } from '../core/reconstruct.js';
import type { LogGroupRef } from '../core/ports.js';
import type { WorkflowToSync } from '../core/sync.js';

export function logGroupsOf(record: Pick<WorkflowRecord, 'deployed_regions'>): LogGroupRef[] {
  const groups: LogGroupRef[] = [];
  for (const regions of Object.values(record.deployed_regions ?? {})) {
    for (const [regionKey, resources] of Object.entries(regions)) {
      const region = regionCode(regionKey);
      const logGroupName = `/aws/lambda/${resources.function_name}`;
      groups.push({ key: `${region}|${logGroupName}`, region, logGroupName });
    }
  }
  return groups.sort((a, b) => a.key.localeCompare(b.key));
}

export async function loadWorkflowToSync(
  doc: DynamoDBDocumentClient,
  table: string,
  workflowId: string,
): Promise<WorkflowToSync | undefined> {
  const out = await doc.send(new GetCommand({ TableName: table, Key: { workflow_id: workflowId }, ConsistentRead: true }));
  const record = out.Item as WorkflowRecord | undefined;
  if (!record || record.status !== 'DEPLOYED') return undefined;
  return { workflowId, groups: logGroupsOf(record), dag: dagView(record.dag) };
}
