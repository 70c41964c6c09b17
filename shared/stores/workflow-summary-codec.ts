// Storage form of the log syncer's WorkflowSummary (shared/contracts/workflow-summary.ts) in the
// workflow-summaries table: every field is a plain attribute except `runs`, stored gzip-compressed
// as base64 in `runs_gz` (repetitive JSON shrinks ~8×, which keeps a useful number of runs under
// DynamoDB's 400 KB item limit). Pure: no AWS SDK here; readers decode with summaryFromItem.
import { gunzipSync, gzipSync } from 'node:zlib';
import { SUMMARY_SYNC_WINDOW, type SyncedRun, type WorkflowSummary } from '../contracts/workflow-summary.js';

export type WorkflowSummaryItem = Omit<WorkflowSummary, 'runs'> & { runs_gz: string };

export const encodeRuns = (runs: readonly SyncedRun[]): string => gzipSync(JSON.stringify(runs), { level: 6 }).toString('base64');
export const decodeRuns = (encoded: string | undefined): SyncedRun[] =>
  encoded ? (JSON.parse(gunzipSync(Buffer.from(encoded, 'base64')).toString('utf8')) as SyncedRun[]) : [];

export function summaryToItem(summary: WorkflowSummary): WorkflowSummaryItem {
  const { runs, ...rest } = summary;
  return { ...rest, runs_gz: encodeRuns(runs) };
}

export function summaryFromItem(item: Record<string, unknown>): WorkflowSummary {
  const { runs_gz, ...rest } = item as WorkflowSummaryItem;
  return { ...(rest as Omit<WorkflowSummary, 'runs'>), runs: decodeRuns(runs_gz) };
}

/** Upper bound of the item's DynamoDB size: its JSON length (names + values; DynamoDB counts less). */
export const itemSizeBytes = (item: object): number => Buffer.byteLength(JSON.stringify(item), 'utf8');

export function emptySummary(workflowId: string): WorkflowSummary {
  return {
    workflow_id: workflowId,
    sync_window: SUMMARY_SYNC_WINDOW,
    version: 0,
    watermarks: {},
    lastSyncedAt: new Date(0).toISOString(),
    totalRuns: 0,
    runs: [],
    pendingRunIds: [],
    daily: {},
    lines: { parsed: 0, foreign: 0, corrupt: 0, unknownVersion: 0 },
  };
}
