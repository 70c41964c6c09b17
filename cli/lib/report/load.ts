// Reads what `caribou report` needs from the control plane's tables: the workflow record (home,
// memory, allowed regions), its placement document, the log syncer's summary, and the collected
// carbon and provider documents. Documents may be stored as a JSON string or a map (both are read).
import { gunzipSync } from 'node:zlib';
import { GetCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { COLLECTED_TABLES, type CarbonDocument, type ProviderDocument } from '../../../shared/contracts/collected-data.js';
import type { RegionKey, WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import { SUMMARY_SYNC_WINDOW, type WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import { summaryFromItem } from '../../../shared/stores/workflow-summary-codec.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { NotFoundError, TransientError } from '../../../shared/errors.js';
import type { ReportInput } from './model.js';

export interface ReportTables {
  workflows: string;
  placements: string;
  summaries: string;
  collector: string;
}

/** A stored document: a JSON string, gzip bytes of one, or a map. */
export function decodeDocument<T>(value: unknown): T | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return JSON.parse(value) as T;
  if (value instanceof Uint8Array) {
    const bytes = value[0] === 0x1f && value[1] === 0x8b ? gunzipSync(value) : Buffer.from(value);
    return JSON.parse(bytes.toString('utf8')) as T;
  }
  return value as T;
}

async function read<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw new TransientError(`could not read ${what}: ${(error as Error).message}`, { cause: error });
  }
}

export async function collected<T>(doc: DynamoDBDocumentClient, table: string, tableName: string): Promise<Record<RegionKey, T>> {
  const out: Record<RegionKey, T> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const page = await read(`${tableName} documents from ${table}`, () =>
      doc.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'table_name = :t',
          ExpressionAttributeValues: { ':t': tableName },
          ExclusiveStartKey: start,
        }),
      ),
    );
    for (const item of page.Items ?? []) {
      const document = decodeDocument<T>(item.document);
      if (document) out[String(item.key)] = document;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** The summary item in the log syncer's storage form (runs gzip-compressed in `runs_gz`). */
export function summaryOf(item: Record<string, unknown> | undefined): WorkflowSummary | undefined {
  return item ? summaryFromItem(item) : undefined;
}

export async function loadReportInput(
  doc: DynamoDBDocumentClient,
  tables: ReportTables,
  workflowId: string,
  now = new Date(),
): Promise<ReportInput> {
  const [record, placementItem, summaryItem, carbon, provider] = await Promise.all([
    read(`workflow ${workflowId} from ${tables.workflows}`, () =>
      doc.send(new GetCommand({ TableName: tables.workflows, Key: { workflow_id: workflowId } })),
    ).then((r) => r.Item as WorkflowRecord | undefined),
    read(`the placement of ${workflowId} from ${tables.placements}`, () =>
      doc.send(new GetCommand({ TableName: tables.placements, Key: { workflow_id: workflowId } })),
    ).then((r) => r.Item),
    read(`the summary of ${workflowId} from ${tables.summaries}`, () =>
      doc.send(new GetCommand({ TableName: tables.summaries, Key: { workflow_id: workflowId, sync_window: SUMMARY_SYNC_WINDOW } })),
    ).then((r) => r.Item),
    collected<CarbonDocument>(doc, tables.collector, COLLECTED_TABLES.carbon),
    collected<ProviderDocument>(doc, tables.collector, COLLECTED_TABLES.provider),
  ]);
  const placement = decodeDocument<WorkflowPlacementDocument>(placementItem?.document);
  if (!record && !placement)
    throw new NotFoundError(`workflow ${workflowId} is not deployed (no item in ${tables.workflows} or ${tables.placements})`);
  const summary = summaryOf(summaryItem);
  const homeRegion = placement?.home_region ?? record!.home_region;
  const config = record?.config;
  const allowed = (config?.regions_and_providers?.allowed_regions ?? []).map((r) => `${r.provider}:${r.region}`);
  const planned = Object.values(placement?.current_deployment?.hours ?? {}).flatMap((h) => Object.values(h));
  const deployed = Object.values(placement?.endpoints ?? {}).flatMap((byRegion) => Object.keys(byRegion));
  const observed = (summary?.runs ?? []).flatMap((r) => r.instances.map((i) => i.region));
  return {
    workflowId,
    now,
    homeRegion,
    memoryMbByFunction: Object.fromEntries((record?.function_descriptions ?? []).map((f) => [f.name, f.memory_mb])),
    defaultMemoryMb: config?.regions_and_providers?.providers?.aws?.config?.memory ?? 1024,
    ...(summary ? { summary } : {}),
    carbon,
    provider,
    ...(placement ? { placement } : {}),
    candidateRegions: [...new Set([homeRegion, ...allowed, ...planned, ...deployed, ...observed])].sort(),
  };
}
