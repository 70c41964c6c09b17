// Workflow collector: the workflow's record + the log syncer's summary → the solver's per-workflow
// input (WorkflowDocument). The conversion itself is injected (shared/solver/from-summary.ts's
// workflowDocumentFromSummary, wired by the service), so this core stays a small orchestration.
import { COLLECTED_TABLES, type RegionDocument, type WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import type { WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import { NotFoundError } from '../../../shared/errors.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import type { Clock, CollectedStore, WorkflowSource } from './ports.js';
import { newReport, writeChecked, type CollectorReport } from './report.js';

/** availableRegions: region keys with an enabled regions document (the workflow's candidate regions). */
export type WorkflowDocumentBuilder = (
  summary: WorkflowSummary,
  record: WorkflowRecord,
  now: Date,
  availableRegions: string[],
) => WorkflowDocument;

export interface WorkflowDeps {
  store: CollectedStore;
  source: WorkflowSource;
  build: WorkflowDocumentBuilder;
  clock: Clock;
}

export async function collectWorkflow(workflowId: string, deps: WorkflowDeps): Promise<CollectorReport> {
  const report = newReport('workflow');
  const record = await deps.source.record(workflowId);
  if (!record) throw new NotFoundError(`workflow ${workflowId} is not deployed (no item in the workflows table)`);
  const summary = await deps.source.summary(workflowId);
  if (!summary) {
    // Nothing synced yet: the previous document (if any) stays; not an error for a new workflow.
    report.skipped.push({ key: workflowId, reason: 'no log-syncer summary yet' });
    return report;
  }
  const regions = (await deps.store.list<RegionDocument>(COLLECTED_TABLES.regions)).filter((r) => r.document.enabled).map((r) => r.key);
  let document: WorkflowDocument;
  try {
    document = deps.build(summary, record, new Date(deps.clock.nowMs()), regions);
  } catch (error) {
    report.failed.push({ key: workflowId, reason: `building the document: ${(error as Error).message}` });
    return report;
  }
  await writeChecked(deps.store, COLLECTED_TABLES.workflow, workflowId, document, report);
  return report;
}
