// The workflow collector as the deployment manager runs it before budgeting (caribou-spec §8.4):
// the log syncer's summary of the workflow → the solver's WorkflowDocument in the collector-data table.
import type { WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import type { CollectedDataReader } from '../../../shared/stores/collected-reader.js';

/**
 * SEAM(summary→document): today this returns the workflow document the data-collectors service last
 * stored. Where the summary step lands (shared/solver/from-summary.ts, `workflowDocumentFromSummary`),
 * wire it here: read the workflow-summaries item (sync_window = SUMMARY_SYNC_WINDOW), build the
 * document, write it to the collector-data table (table_name "workflow", key = workflow id; the
 * manifest then needs collector-data readwrite), and return it.
 */
export function collectWorkflowFromStoredDocument(reader: CollectedDataReader): (workflowId: string) => Promise<WorkflowDocument | undefined> {
  return (workflowId) => reader.workflow(workflowId);
}
