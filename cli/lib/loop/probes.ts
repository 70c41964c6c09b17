// What the carbon loop reads to decide that a step's effect is there: the control plane's tables,
// the router's answers in its logs, the runtime's schedules, and the Lambda API per region.
import { ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../../shared/aws/clients.js';
import {
  COLLECTED_TABLES,
  type CarbonDocument,
  type PerformanceDocument,
  type ProviderDocument,
} from '../../../shared/contracts/collected-data.js';
import type { WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { DeploymentManagerState, StagedPlan } from '../../../shared/contracts/staged-plan.js';
import { SUMMARY_SYNC_WINDOW, type WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import type { LocalModeState } from '../../../local/mode.js';
import { routerAnswers, type RuntimeStatus } from '../../../local/inspect.js';
import { getJson } from '../../../local/processes.js';
import { names } from '../../../shared/manifest/services.js';
import { physicalTableName, type TableId } from '../../../shared/manifest/tables.js';
import { collected, decodeDocument, summaryOf } from '../report/load.js';

export class Probes {
  constructor(readonly state: LocalModeState) {}

  private get doc() {
    return clients.doc(this.state.region);
  }

  table(id: TableId): string {
    return physicalTableName(this.state.prefix, id);
  }

  async summary(workflowId: string): Promise<WorkflowSummary | undefined> {
    const item = (
      await this.doc.send(
        new GetCommand({
          TableName: this.table('workflow-summaries'),
          Key: { workflow_id: workflowId, sync_window: SUMMARY_SYNC_WINDOW },
          ConsistentRead: true,
        }),
      )
    ).Item;
    return summaryOf(item);
  }

  carbon(): Promise<Record<string, CarbonDocument>> {
    return collected<CarbonDocument>(this.doc, this.table('collector-data'), COLLECTED_TABLES.carbon);
  }

  provider(): Promise<Record<string, ProviderDocument>> {
    return collected<ProviderDocument>(this.doc, this.table('collector-data'), COLLECTED_TABLES.provider);
  }

  performance(): Promise<Record<string, PerformanceDocument>> {
    return collected<PerformanceDocument>(this.doc, this.table('collector-data'), COLLECTED_TABLES.performance);
  }

  async staged(workflowId: string): Promise<StagedPlan | undefined> {
    const item = (
      await this.doc.send(
        new GetCommand({ TableName: this.table('solver-staging'), Key: { workflow_id: workflowId }, ConsistentRead: true }),
      )
    ).Item;
    if (!item) return undefined;
    if (item.plan === undefined) return decodeDocument<StagedPlan>(item.document);
    return { ...(item as unknown as StagedPlan), plan: decodeDocument(item.plan)! };
  }

  async placement(workflowId: string): Promise<WorkflowPlacementDocument | undefined> {
    const item = (
      await this.doc.send(new GetCommand({ TableName: this.table('placements'), Key: { workflow_id: workflowId }, ConsistentRead: true }))
    ).Item;
    return decodeDocument<WorkflowPlacementDocument>(item?.document);
  }

  async workflow(workflowId: string): Promise<(WorkflowRecord & { deployment_manager?: DeploymentManagerState }) | undefined> {
    const item = (
      await this.doc.send(new GetCommand({ TableName: this.table('workflows'), Key: { workflow_id: workflowId }, ConsistentRead: true }))
    ).Item;
    return item as (WorkflowRecord & { deployment_manager?: DeploymentManagerState }) | undefined;
  }

  async workflowIds(): Promise<string[]> {
    const ids: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({ TableName: this.table('workflows'), ProjectionExpression: 'workflow_id', ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) ids.push(String(item.workflow_id));
      start = page.LastEvaluatedKey;
    } while (start);
    return ids;
  }

  /** DynamoDB table names in `region` starting with `prefix`. */
  async tablesIn(region: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    let start: string | undefined;
    do {
      const page = await clients.dynamo(region).send(new ListTablesCommand({ ExclusiveStartTableName: start }));
      out.push(...(page.TableNames ?? []).filter((t) => t.startsWith(prefix)));
      start = page.LastEvaluatedTableName;
    } while (start);
    return out;
  }

  /** Lambda function names in `region` (through the runtime's Lambda API, as the migrator creates them). */
  async functionsIn(region: string): Promise<string[]> {
    const out: string[] = [];
    let marker: string | undefined;
    do {
      const page = await clients.lambda(region).send(new ListFunctionsCommand({ Marker: marker }));
      for (const f of page.Functions ?? []) out.push(f.FunctionName ?? '');
      marker = page.NextMarker;
    } while (marker);
    return out;
  }

  /** The runtime's admin status (retried: a busy runtime may drop a kept-alive connection). */
  async runtimeStatus(): Promise<RuntimeStatus> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await getJson<RuntimeStatus>(`${this.state.runtime.url}/_local/status`, 5000);
      } catch (error) {
        if (attempt >= 3)
          throw new Error(`the local runtime's status is unavailable at ${this.state.runtime.url}: ${(error as Error).message}`, {
            cause: error,
          });
        await new Promise((r) => setTimeout(r, 500 * attempt));
      }
    }
  }

  /** Times the schedule `name` (manifest DEFAULT_SCHEDULES) has fired, or undefined when the runtime does not know it. */
  async scheduleFired(name: string): Promise<number | undefined> {
    const rule = names.scheduleRule(this.state.prefix, name);
    return (await this.runtimeStatus()).schedules.find((s) => s.rule === rule)?.fired;
  }

  async setClock(clock: { nowIso?: string; speed?: number }): Promise<{ nowIso: string; speed: number }> {
    const response = await fetch(`${this.state.runtime.url}/_local/clock`, { method: 'POST', body: JSON.stringify(clock) });
    if (!response.ok) throw new Error(`the runtime refused the clock change: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as { nowIso: string; speed: number };
  }

  /** The router's refusal of `action` since `sinceMs` (e.g. 501: the owning service is not built), as text. */
  async refusal(action: string, sinceMs: number): Promise<string | undefined> {
    const answers = await routerAnswers(this.state, sinceMs);
    for (const a of answers) {
      const answer = a.answer as { status?: number; message?: string } | undefined;
      if (a.action === action && answer && typeof answer.status === 'number' && answer.status >= 400) {
        return `the router answered ${answer.status} to ${action}: ${answer.message ?? JSON.stringify(answer)}`;
      }
    }
    return undefined;
  }
}
