// `caribou runs <workflow_id>`: what the log syncer has synced for a workflow — the runs the solver
// will learn from: count, successes and failures, p50/p95 runtime, regions used.
import { clients } from '../../shared/aws/clients.js';
import { UsageError } from '../../shared/errors.js';
import type { WorkflowSummary } from '../../shared/contracts/workflow-summary.js';
import { readWorkflowSummary } from '../../shared/stores/workflow-summaries.js';
import { parseCommandArgs } from '../lib/args.js';
import { tableName } from '../lib/context.js';
import type { Command } from '../lib/command.js';

const HELP = `Usage: caribou runs <workflow_id> [--since <duration>] [--json]

Shows the runs of a workflow synced by the log syncer (its summary in the workflow-summaries
table): count, succeeded / failed, p50 and p95 runtime, regions used, cold starts, and the sync
state (last sync, runs pending at the window edge, lines skipped).

Options:
  --since <d>   only runs started in the last <d>: 90s, 30m, 1h, 2d (default: every kept run)
  --json        machine-readable output
The summary keeps the most recent runs plus rare samples (docs/log-syncer.md); "total synced"
counts every run ever synced. AWS access uses the SDK's standard environment.`;

export interface RunsReport {
  workflow_id: string;
  since: string | null;
  runs: number;
  succeeded: number;
  failed: number;
  runtimeS: { p50: number | null; p95: number | null };
  regions: Record<string, number>;
  coldStarts: number;
  totalSynced: number;
  keptRuns: number;
  lastSyncedAt: string;
  pendingRuns: number;
  lines: WorkflowSummary['lines'];
}

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(s|m|h|d)$/.exec(text.trim());
  if (!m) throw new UsageError(`--since: expected a duration like 90s, 30m, 1h or 2d, got "${text}"`);
  return Number(m[1]) * { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 's' | 'm' | 'h' | 'd'];
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export function runsReport(summary: WorkflowSummary, sinceMs: number | undefined, nowMs: number): RunsReport {
  const from = sinceMs === undefined ? Number.NEGATIVE_INFINITY : nowMs - sinceMs;
  const runs = summary.runs.filter((r) => Date.parse(r.startedAt) >= from);
  const regions: Record<string, number> = {};
  let cold = 0;
  for (const run of runs) {
    for (const i of run.instances) {
      regions[i.region] = (regions[i.region] ?? 0) + 1;
      if (i.coldStart) cold++;
    }
  }
  const runtimes = runs
    .filter((r) => r.succeeded)
    .map((r) => r.runtimeS)
    .sort((a, b) => a - b);
  return {
    workflow_id: summary.workflow_id,
    since: sinceMs === undefined ? null : new Date(from).toISOString(),
    runs: runs.length,
    succeeded: runs.filter((r) => r.succeeded).length,
    failed: runs.filter((r) => !r.succeeded).length,
    runtimeS: { p50: percentile(runtimes, 50), p95: percentile(runtimes, 95) },
    regions: Object.fromEntries(Object.entries(regions).sort()),
    coldStarts: cold,
    totalSynced: summary.totalRuns,
    keptRuns: summary.runs.length,
    lastSyncedAt: summary.lastSyncedAt,
    pendingRuns: summary.pendingRunIds.length,
    lines: summary.lines,
  };
}

export interface RunsCommandDeps {
  read?: (table: string, workflowId: string) => Promise<WorkflowSummary | undefined>;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

const fmt = (s: number | null) => (s === null ? '-' : `${s.toFixed(3)} s`);

export function makeRunsCommand(deps: RunsCommandDeps = {}): Command {
  return {
    name: 'runs',
    summary: 'Synced runs of a workflow: count, success/failure, p50/p95 runtime, regions',
    help: HELP,
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(argv, { since: { type: 'string' }, json: { type: 'boolean' } });
      const workflowId = positionals[0];
      if (!workflowId || positionals.length > 1) throw new UsageError('expected `caribou runs <workflow_id> [--since 1h] [--json]`');
      const sinceMs = values.since === undefined ? undefined : parseDuration(values.since);
      const table = tableName('workflow-summaries', deps.env ?? process.env);
      const summary = await (deps.read ?? ((t, id) => readWorkflowSummary(clients.doc(), t, id)))(table, workflowId);
      if (!summary) {
        io.err(`caribou runs: no synced runs for ${workflowId} in ${table} (has \`caribou log_sync\` run since it was deployed?)`);
        return 1;
      }
      const report = runsReport(summary, sinceMs, (deps.now ?? Date.now)());
      if (values.json) {
        io.out(JSON.stringify(report, null, 2));
        return 0;
      }
      io.out(
        `Runs of ${workflowId}${report.since ? ` since ${report.since}` : ''}: ${report.runs} (${report.succeeded} succeeded, ${report.failed} failed)`,
      );
      io.out(`  runtime        p50 ${fmt(report.runtimeS.p50)}, p95 ${fmt(report.runtimeS.p95)} (succeeded runs)`);
      io.out(
        `  regions        ${
          Object.entries(report.regions)
            .map(([r, n]) => `${r} (${n} executions)`)
            .join(', ') || '-'
        }`,
      );
      io.out(`  cold starts    ${report.coldStarts}`);
      io.out(
        `  synced         ${report.totalSynced} runs in total, ${report.keptRuns} kept; last sync ${report.lastSyncedAt}; ${report.pendingRuns} pending`,
      );
      io.out(
        `  lines          ${report.lines.parsed} parsed, ${report.lines.foreign} foreign, ${report.lines.corrupt} corrupt, ${report.lines.unknownVersion} unknown version`,
      );
      return 0;
    },
  };
}

export const runsCommand = makeRunsCommand();
