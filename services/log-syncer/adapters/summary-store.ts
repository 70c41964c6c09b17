// SummaryStore on DynamoDB: the summary item and the syncer's state item of one workflow in the
// workflow-summaries table, written in one transaction conditional on the summary's version.
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SUMMARY_SYNC_WINDOW } from '../../../shared/contracts/workflow-summary.js';
import { emptySummary, summaryFromItem, summaryToItem } from '../../../shared/stores/workflow-summary-codec.js';
import { VersionConflictError, type StoredSync, type SummaryStore } from '../core/ports.js';
import { decodeState, encodeState, STATE_SYNC_WINDOW } from '../core/state.js';

export class DynamoSummaryStore implements SummaryStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async load(workflowId: string): Promise<StoredSync> {
    const get = (window: string) =>
      this.doc.send(new GetCommand({ TableName: this.table, Key: { workflow_id: workflowId, sync_window: window }, ConsistentRead: true }));
    const [summary, state] = await Promise.all([get(SUMMARY_SYNC_WINDOW), get(STATE_SYNC_WINDOW)]);
    const loaded = summary.Item ? summaryFromItem(summary.Item) : emptySummary(workflowId);
    // The state belongs to the summary version it was written with; anything else is ignored.
    const stateItem = state.Item && state.Item.version === loaded.version ? state.Item : undefined;
    return { summary: loaded, state: decodeState(stateItem?.state_gz as string | undefined) };
  }

  async save(next: StoredSync, previousVersion: number): Promise<void> {
    const id = next.summary.workflow_id;
    const condition =
      previousVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(workflow_id)' }
        : {
            ConditionExpression: '#v = :prev',
            ExpressionAttributeNames: { '#v': 'version' },
            ExpressionAttributeValues: { ':prev': previousVersion },
          };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: summaryToItem(next.summary), ...condition } },
            {
              Put: {
                TableName: this.table,
                Item: { workflow_id: id, sync_window: STATE_SYNC_WINDOW, version: next.summary.version, state_gz: encodeState(next.state) },
              },
            },
          ],
        }),
      );
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      if ((error as Error).name === 'TransactionCanceledException' && reasons.some((r) => r.Code === 'ConditionalCheckFailed')) {
        throw new VersionConflictError(`summary of ${id} changed since version ${previousVersion}`, { cause: error });
      }
      if ((error as Error).name === 'ConditionalCheckFailedException')
        throw new VersionConflictError(`summary of ${id} changed since version ${previousVersion}`, { cause: error });
      throw error;
    }
  }
}
