// Reading a workflow's summary (written by the log syncer) from the workflow-summaries table.
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SUMMARY_SYNC_WINDOW, type WorkflowSummary } from '../contracts/workflow-summary.js';
import { summaryFromItem } from './workflow-summary-codec.js';

export async function readWorkflowSummary(
  doc: DynamoDBDocumentClient,
  table: string,
  workflowId: string,
): Promise<WorkflowSummary | undefined> {
  const out = await doc.send(
    new GetCommand({ TableName: table, Key: { workflow_id: workflowId, sync_window: SUMMARY_SYNC_WINDOW }, ConsistentRead: true }),
  );
  return out.Item ? summaryFromItem(out.Item) : undefined;
}
