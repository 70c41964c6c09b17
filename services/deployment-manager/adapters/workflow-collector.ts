// The workflow collector as the deployment manager runs it before budgeting (caribou-spec §8.4):
// the log syncer's summary of the workflow → the solver's WorkflowDocument, written to the
// collector-data table (table_name "workflow") so `caribou data show workflow` shows what was used.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { COLLECTED_TABLES, type RegionDocument, type WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import { TransientError } from '../../../shared/errors.js';
import { workflowDocumentFromSummary } from '../../../shared/solver/from-summary.js';
import type { CollectedDataReader } from '../../../shared/stores/collected-reader.js';
import { readWorkflowSummary } from '../../../shared/stores/workflow-summaries.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';

export interface WorkflowCollectorTables {
  workflows: string;
  summaries: string;
  collectorData: string;
}

/**
 * Builds and stores the workflow document from the current summary. Without a summary (nothing
 * synced yet) the document the data collectors last stored, if any, is returned unchanged.
 */
export function collectWorkflowFromSummary(
  doc: DynamoDBDocumentClient,
  reader: CollectedDataReader,
  tables: WorkflowCollectorTables,
  now: () => Date,
): (workflowId: string) => Promise<WorkflowDocument | undefined> {
  return async (workflowId) => {
    const [summary, recordOut] = await Promise.all([
      readWorkflowSummary(doc, tables.summaries, workflowId),
      doc.send(new GetCommand({ TableName: tables.workflows, Key: { workflow_id: workflowId }, ConsistentRead: true })),
    ]);
    const record = recordOut.Item as WorkflowRecord | undefined;
    if (!summary || !record) return reader.workflow(workflowId);
    const regions = (await reader.all<RegionDocument>(COLLECTED_TABLES.regions)).filter((r) => r.enabled).map((r) => r.region_key);
    const document = workflowDocumentFromSummary(summary, record, { now: now(), availableRegions: regions });
    try {
      await doc.send(
        new PutCommand({ TableName: tables.collectorData, Item: { table_name: COLLECTED_TABLES.workflow, key: workflowId, document } }),
      );
    } catch (error) {
      throw new TransientError(`could not store the workflow document of ${workflowId}: ${(error as Error).message}`, { cause: error });
    }
    return document;
  };
}
