// `caribou plan <workflow_id>`: where a workflow runs now (the placement document's active plan),
// what the deployment manager staged for the migrator, what that plan is expected to save against
// keeping everything at home, and the manager's bookkeeping (tokens, next check, last decision).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { clients } from '../../shared/aws/clients.js';
import type { PlacementPlan, PlanMetrics, WorkflowPlacementDocument } from '../../shared/contracts/placement.js';
import type { DeploymentManagerState, StagedPlan } from '../../shared/contracts/staged-plan.js';
import { NotFoundError, UsageError } from '../../shared/errors.js';
import { chooseTimeKey } from '../../shared/runtime/placement.js';
import { readPlacement } from '../../shared/workflows/placement-store.js';
import { parseCommandArgs } from '../lib/args.js';
import type { CliIO, Command } from '../lib/command.js';
import { tableName } from '../lib/context.js';

const HELP = `Usage: caribou plan <workflow_id> [--json]

Shows a workflow's placement hour by hour:
  current   the plan the runtime follows (placement document), or "all at home"
  staged    the plan the deployment manager solved and the migrator has not applied yet, with its
            expected carbon (gCO2e), cost (USD) and runtime (s) per run against all-at-home,
            the instances kept at home and why
  manager   tokens left (gCO2e), last check, last solve, next check, last decision

Options:
  --json        one JSON object {workflow_id, home_region, current, staged, deployment_manager}
  -h, --help    this help

Environment: CARIBOU_PREFIX (stack prefix), AWS_REGION, AWS_ENDPOINT_URL (local mode).`;

export interface PlanView {
  workflow_id: string;
  home_region: string;
  current: PlacementPlan | null;
  staged: StagedPlan | null;
  deployment_manager: DeploymentManagerState | null;
}

async function getItem(table: string, workflowId: string): Promise<Record<string, unknown> | undefined> {
  return (await clients.doc().send(new GetCommand({ TableName: table, Key: { workflow_id: workflowId }, ConsistentRead: true }))).Item;
}

export async function loadPlanView(workflowId: string): Promise<PlanView> {
  const [record, staged, wpd] = await Promise.all([
    getItem(tableName('workflows'), workflowId),
    getItem(tableName('solver-staging'), workflowId),
    readPlacement(clients.doc(), tableName('placements'), workflowId).catch((error: unknown) => {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }),
  ]);
  if (!record && !wpd) throw new NotFoundError(`workflow ${workflowId} is not deployed (no item in ${tableName('workflows')})`);
  return {
    workflow_id: workflowId,
    home_region: String(record?.home_region ?? (wpd as WorkflowPlacementDocument | undefined)?.home_region ?? ''),
    current: wpd?.current_deployment ?? null,
    staged: (staged as StagedPlan | undefined) ?? null,
    deployment_manager: (record?.deployment_manager as DeploymentManagerState | undefined) ?? null,
  };
}

/** Consecutive UTC hours that run one placement ("a-b" ranges), by the runtime's own choice of plan hour. */
function hourGroups(plan: PlacementPlan): Array<{ hours: string; placement: Record<string, string> }> {
  const groups: Array<{ from: number; to: number; key: number }> = [];
  for (let h = 0; h < 24; h++) {
    const key = chooseTimeKey(plan, new Date(Date.UTC(2000, 0, 1, h)));
    if (key === null) continue;
    const last = groups[groups.length - 1];
    const same = last && JSON.stringify(plan.hours[String(last.key)]) === JSON.stringify(plan.hours[String(key)]);
    if (last && same) last.to = h;
    else groups.push({ from: h, to: h, key });
  }
  return groups.map((g) => ({ hours: g.from === g.to ? `${g.from}` : `${g.from}-${g.to}`, placement: plan.hours[String(g.key)] ?? {} }));
}

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

function placementLines(plan: PlacementPlan, home: string): string[] {
  const rows: string[][] = [['hours (UTC)', 'instance', 'region']];
  for (const g of hourGroups(plan)) {
    Object.entries(g.placement).forEach(([instance, region], i) =>
      rows.push([i === 0 ? g.hours : '', instance, region === home ? `${region} (home)` : region]),
    );
  }
  return table(rows).map((l) => `  ${l}`);
}

const pct = (plan: number, home: number) => (home > 0 ? `${((plan / home - 1) * 100).toFixed(1)}%` : 'n/a');

function expectedLines(expected: { plan: PlanMetrics; home: PlanMetrics }): string[] {
  const row = (label: string, key: keyof PlanMetrics, show: (v: number) => string) => [
    label,
    show(expected.plan[key]),
    show(expected.home[key]),
    pct(expected.plan[key], expected.home[key]),
  ];
  const rows = [
    ['per run (mean of solve hours)', 'plan', 'all at home', 'change'],
    row('carbon, gCO2e', 'average_carbon', (v) => v.toPrecision(4)),
    row('cost, USD', 'average_cost', (v) => v.toPrecision(4)),
    row('runtime, s', 'average_runtime', (v) => v.toFixed(3)),
    row('p95 runtime, s', 'tail_runtime', (v) => v.toFixed(3)),
  ];
  return table(rows).map((l) => `  ${l}`);
}

export function renderPlanView(v: PlanView): string[] {
  const out: string[] = [`workflow ${v.workflow_id}, home ${v.home_region}`, ''];
  if (v.current) {
    const expired = Date.parse(v.current.expiry_time) < Date.now();
    out.push(`current plan (expires ${v.current.expiry_time}${expired ? ': expired, every instance runs at home' : ''}):`);
    out.push(...placementLines(v.current, v.home_region));
  } else out.push('current plan: none, every instance runs at home');
  out.push('');
  if (v.staged) {
    const s = v.staged;
    out.push(
      `staged plan (solved ${s.staged_at}, ${s.solver.algorithm}/${s.solver.calculator}, ${s.solver.evaluations} evaluations in ${s.solver.durationS.toFixed(2)} s; expires ${s.plan.expiry_time}), waiting for the migrator:`,
    );
    out.push(...placementLines(s.plan, v.home_region));
    out.push('', '  expected:');
    out.push(...expectedLines(s.expected));
    out.push(`  candidate regions: ${s.candidate_regions.join(', ')}`);
    if (s.kept_home.length > 0) {
      out.push('  kept at home:');
      for (const k of s.kept_home) out.push(`    ${k.instance}: ${k.reason}`);
    }
    for (const r of s.hour_reasons ?? []) out.push(`  hour ${r.hour}: ${r.reason}`);
  } else out.push('staged plan: none');
  out.push('');
  const m = v.deployment_manager;
  if (m) {
    out.push('deployment manager:');
    out.push(`  tokens left   ${m.tokens_left_gCO2e} gCO2e`);
    out.push(`  last check    ${m.last_checked_at ?? 'never'}`);
    out.push(`  last solve    ${m.last_solved_at ?? 'never'}`);
    out.push(`  next check    ${m.next_check_at ?? 'at the next manage_deployments'}`);
    if (m.last_decision) out.push(`  last decision ${m.last_decision.outcome} (${m.last_decision.at})`);
  } else out.push('deployment manager: never checked');
  return out;
}

export const planCommand: Command = {
  name: 'plan',
  summary: "Show a workflow's current and staged placement per hour, expected savings, tokens and next check.",
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('expected one workflow id: caribou plan <workflow_id>');
    const view = await loadPlanView(positionals[0]!);
    if (values.json) io.out(JSON.stringify(view, null, 2));
    else for (const line of renderPlanView(view)) io.out(line);
    return 0;
  },
};
