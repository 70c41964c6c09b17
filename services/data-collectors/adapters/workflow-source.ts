// The workflow collector's inputs: the workflows-table record and the log syncer's current summary
// (workflow-summaries item with sync_window = "summary").
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import { readWorkflowSummary } from '../../../shared/stores/workflow-summaries.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import type { WorkflowSource } from '../core/ports.js';

export class DynamoWorkflowSource implements WorkflowSource {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tables: { workflows: string; summaries: string },
  ) {}

  async record(workflowId: string): Promise<WorkflowRecord | undefined> {
    const out = await this.doc.send(
      new GetCommand({ TableName: this.tables.workflows, Key: { workflow_id: workflowId }, ConsistentRead: true }),
    );
    return out.Item as WorkflowRecord | undefined;
  }

  async summary(workflowId: string): Promise<WorkflowSummary | undefined> {
    // The log syncer stores runs compressed (runs_gz): read through its codec.
    return readWorkflowSummary(this.doc, this.tables.summaries, workflowId);
  }
}
