// `caribou report <workflow_id> [--out report.svg|.png|.html] [--json]`: what the carbon loop did
// for a workflow — grid intensity of its candidate regions, its placement per hour, where its runs
// executed, and modeled gCO2e as executed vs all at home, with cost and p95 runtime. docs/report.md.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { clients } from '../../shared/aws/clients.js';
import { UsageError } from '../../shared/errors.js';
import { parseCommandArgs } from '../lib/args.js';
import type { Command } from '../lib/command.js';
import { cliEnv, tableName } from '../lib/context.js';
import { loadReportInput, type ReportTables } from '../lib/report/load.js';
import { computeReport } from '../lib/report/model.js';
import { renderHtml, renderPng, renderSvg } from '../lib/report/charts.js';
import { reportText } from '../lib/report/text.js';

const HELP = `Usage: caribou report <workflow_id> [--out <file.svg|file.png|file.html>] [--json] [--now <ISO time>]

What the carbon loop did for a workflow, from the control plane's tables:
  - grid intensity of its candidate regions over the last and next 24 h,
  - the placement of each instance per UTC hour,
  - the runs actually executed per region (the log syncer's synced runs),
  - modeled gCO2e of those runs as executed vs the same runs all at home (total and per day),
    with the data sources named, and cost and p95 runtime vs home.

  --out <file>   write the charts: .svg, .png (2×, system fonts) or .html (SVG + tables); repeatable
  --json         print the figures as JSON (totals, per day, per region, placement, sources)
  --now <ISO>    the report's "now" (default: the current time)

Without --out and --json: a summary table. The model is described in docs/report.md.
Tables: CARIBOU_PREFIX (default "caribou") or CARIBOU_WORKFLOWS_TABLE, CARIBOU_PLACEMENTS_TABLE,
CARIBOU_WORKFLOW_SUMMARIES_TABLE, CARIBOU_COLLECTOR_DATA_TABLE.`;

export function reportTables(env: NodeJS.ProcessEnv = cliEnv()): ReportTables {
  return {
    workflows: tableName('workflows', env),
    placements: tableName('placements', env),
    summaries: tableName('workflow-summaries', env),
    collector: tableName('collector-data', env),
  };
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'carbon report of a workflow: intensity, placement, runs per region, gCO2e vs all-home (--out svg/png/html)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      out: { type: 'string', multiple: true },
      json: { type: 'boolean' },
      now: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one workflow id, e.g. map_reduce-0.0.1');
    const outs = values.out ?? [];
    for (const out of outs) {
      if (!['.svg', '.png', '.html'].includes(path.extname(out).toLowerCase()))
        throw new UsageError(`--out ${out}: expected a file ending in .svg, .png or .html`);
    }
    const now = values.now === undefined ? new Date() : new Date(values.now);
    if (Number.isNaN(now.getTime())) throw new UsageError(`--now must be an ISO time, got "${values.now}"`);
    const env = cliEnv();
    const input = await loadReportInput(clients.doc(env.AWS_REGION), reportTables(env), positionals[0]!, now);
    const report = computeReport(input);
    if (outs.length) {
      const svg = await renderSvg(report);
      for (const out of outs) {
        const ext = path.extname(out).toLowerCase();
        writeFileSync(out, ext === '.svg' ? svg : ext === '.png' ? renderPng(svg) : renderHtml(report, svg));
        if (!values.json) io.out(`wrote ${out}`);
      }
    }
    if (values.json) {
      const { runs_detail: _detail, ...figures } = report;
      io.out(JSON.stringify(figures, null, 2));
    } else if (!outs.length) {
      for (const line of reportText(report)) io.out(line);
    }
    return 0;
  },
};
