// The workflow collector's inputs: the workflows-table record and the log syncer's current summary
// (workflow-summaries item with sync_window = "summary").
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SUMMARY_SYNC_WINDOW, type WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import type { WorkflowSource } from '../core/ports.js';

export class DynamoWorkflowSource implements WorkflowSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { workflows: string; summaries: string },
  ) {}

  async record(workflowId: string): Promise<WorkflowRecord | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tables.workflows, Key: { workflow_id: workflowId }, ConsistentRead: true }));
    return out.Item as WorkflowRecord | undefined;
  }

  async summary(workflowId: string): Promise<WorkflowSummary | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tables.summaries, Key: { workflow_id: workflowId, sync_window: SUMMARY_SYNC_WINDOW }, ConsistentRead: true }),
    );
    return out.Item as WorkflowSummary | undefined;
  }
}
