// The report's picture: one Vega-Lite spec (four views + key figures) compiled to Vega, rendered to
// SVG headlessly (renderer 'none'), to PNG with resvg (system fonts; DejaVu Sans when present), and
// to a self-contained HTML page embedding the SVG.
import { compile, type TopLevelSpec } from 'vega-lite';
import * as vega from 'vega';
import { Resvg } from '@resvg/resvg-js';
import { shortInstance, type Report } from './model.js';

const FONT = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';
// The home region first (orange), then colours that do not clash with it.
const PALETTE = ['#e6550d', '#1b9e77', '#7570b3', '#1f78b4', '#e7298a', '#66a61e', '#a6761d', '#666666', '#b2df8a', '#e6ab02'];
const WIDTH = 860;

const fmtG = (g: number) => (Math.abs(g) >= 1 ? g.toFixed(2) : g === 0 ? '0' : g.toPrecision(3));
const fmtUsd = (usd: number) => `$${usd === 0 ? '0' : usd < 0.01 ? usd.toPrecision(3) : usd.toFixed(4)}`;
const fmtS = (s: number | null) => (s === null ? 'n/a' : `${s.toFixed(2)} s`);

/** Region → colour, the same in every view. */
function regionScale(report: Report): { domain: string[]; range: string[] } {
  const domain = [
    ...new Set([
      report.home_region,
      ...Object.keys(report.intensity.profiles),
      ...report.per_region.map((r) => r.region),
      ...report.placement.hours.map((h) => h.region),
    ]),
  ];
  domain.sort((a, b) => (a === report.home_region ? -1 : b === report.home_region ? 1 : a.localeCompare(b)));
  return { domain, range: domain.map((_, i) => PALETTE[i % PALETTE.length]!) };
}

/** Key figures, one per line, for the text panel and the terminal. */
export function keyFigures(report: Report): string[] {
  const c = report.carbon;
  const lines = [
    `Runs accounted: ${report.runs.accounted} (${report.runs.moved} with an instance outside ${report.home_region}; ${report.runs.total_synced} ever synced)`,
    c.per_run_actual_gCO2e === null
      ? 'Modeled carbon: no synced runs yet'
      : `Modeled carbon: ${fmtG(c.actual.gCO2e)} gCO2e as executed vs ${fmtG(c.home_counterfactual.gCO2e)} gCO2e all at home → saved ${fmtG(c.saved_gCO2e)} gCO2e${c.saved_percent === null ? '' : ` (${c.saved_percent.toFixed(1)} %)`}; per run ${fmtG(c.per_run_actual_gCO2e)} vs ${fmtG(c.per_run_home_gCO2e!)}`,
    `Cost: ${fmtUsd(report.cost.actual)} as executed vs ${fmtUsd(report.cost.home_counterfactual)} at home${report.cost.delta_percent === null ? '' : ` (${report.cost.delta_percent >= 0 ? '+' : ''}${report.cost.delta_percent.toFixed(1)} %)`}`,
    `Runtime p95: ${fmtS(report.runtime.p95_moved_runs)} for runs using other regions (${report.runtime.moved_runs}) vs ${fmtS(report.runtime.p95_home_runs)} for runs all at home (${report.runtime.home_runs})`,
    `Plan: ${report.placement.active ? `active until ${report.placement.expiry_time}, solve hours ${report.placement.time_keys.join(',')}` : report.placement.expiry_time ? `expired at ${report.placement.expiry_time}: everything at home` : 'none: everything at home'}`,
  ];
  const kinds = [...new Set(report.sources.map((s) => s.source))];
  lines.push(`Sources: ${kinds.length ? kinds.join(', ') : 'none collected'}; model: docs/report.md`);
  return lines;
}

export function reportSpec(report: Report): TopLevelSpec {
  const color = regionScale(report);
  const regionColor = (title: string) => ({ field: 'region', type: 'nominal' as const, title, scale: color });
  const intensity = {
    title: { text: 'Grid carbon intensity of the candidate regions (last 24 h → next 24 h)', anchor: 'start' as const },
    width: WIDTH,
    height: 180,
    layer: [
      {
        data: { values: report.intensity.points },
        mark: { type: 'line' as const, interpolate: 'step-after' as const, strokeWidth: 2 },
        encoding: {
          x: { field: 'time', type: 'temporal' as const, title: 'UTC time', axis: { format: '%d %H:%M' } },
          y: { field: 'gCO2ePerKWh', type: 'quantitative' as const, title: 'gCO2e / kWh' },
          color: regionColor('region'),
        },
      },
      {
        data: { values: [{ now: report.generated_at, label: 'now' }] },
        mark: { type: 'rule' as const, strokeDash: [4, 4], color: '#444' },
        encoding: { x: { field: 'now', type: 'temporal' as const } },
      },
      {
        data: { values: [{ now: report.generated_at, label: 'now' }] },
        mark: { type: 'text' as const, align: 'left' as const, dx: 4, dy: -4, color: '#444' },
        encoding: { x: { field: 'now', type: 'temporal' as const }, y: { value: 0 }, text: { field: 'label' } },
      },
    ],
  };
  const placement = {
    title: {
      text: `Placement of each instance per UTC hour (${report.placement.active ? `plan active until ${report.placement.expiry_time}` : 'no active plan: home'})`,
      anchor: 'start' as const,
    },
    width: WIDTH,
    height: { step: 22 },
    data: { values: report.placement.hours.map((h) => ({ ...h, label: shortInstance(h.instance) })) },
    mark: { type: 'rect' as const, stroke: 'white', strokeWidth: 1 },
    encoding: {
      x: { field: 'hour', type: 'ordinal' as const, title: 'UTC hour', sort: 'ascending' as const },
      y: { field: 'label', type: 'nominal' as const, title: null, axis: { labelLimit: 400 } },
      color: regionColor('region'),
      tooltip: [{ field: 'instance' }, { field: 'hour' }, { field: 'region' }],
    },
  };
  const executions = report.per_region.flatMap((r) =>
    Object.entries(r.by_function).map(([fn, count]) => ({ region: r.region, function: fn, count })),
  );
  const perRegion = {
    title: { text: 'Instance executions per region (synced runs)', anchor: 'start' as const },
    width: 380,
    height: 200,
    data: { values: executions },
    mark: { type: 'bar' as const, stroke: 'white', strokeWidth: 1 },
    encoding: {
      x: { field: 'region', type: 'nominal' as const, title: null, axis: { labelAngle: 0 }, sort: color.domain },
      y: { field: 'count', type: 'quantitative' as const, aggregate: 'sum' as const, title: 'executions' },
      color: regionColor('region'),
      detail: { field: 'function', type: 'nominal' as const },
      tooltip: [{ field: 'region' }, { field: 'function' }, { field: 'count' }],
    },
  };
  const days = report.per_day.flatMap((d) => [
    { day: d.day, series: 'as executed', gCO2e: d.actual_gCO2e },
    { day: d.day, series: 'all at home', gCO2e: d.home_gCO2e },
  ]);
  const perDay = {
    title: { text: 'Modeled gCO2e per day: as executed vs all at home', anchor: 'start' as const },
    width: 380,
    height: 200,
    data: { values: days },
    mark: { type: 'bar' as const },
    encoding: {
      x: { field: 'day', type: 'ordinal' as const, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: 'series', type: 'nominal' as const },
      y: { field: 'gCO2e', type: 'quantitative' as const, title: 'gCO2e' },
      color: {
        field: 'series',
        type: 'nominal' as const,
        title: null,
        scale: { domain: ['all at home', 'as executed'], range: ['#9e9e9e', '#3182bd'] },
      },
      tooltip: [{ field: 'day' }, { field: 'series' }, { field: 'gCO2e', format: '.4g' }],
    },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `Caribou report: ${report.workflow_id}`,
      subtitle: [`home ${report.home_region} · generated ${report.generated_at}`, '', ...keyFigures(report)],
      anchor: 'start',
      fontSize: 16,
      subtitleFontSize: 12,
      subtitleLineHeight: 18,
      subtitlePadding: 8,
      offset: 16,
    },
    config: {
      font: FONT,
      view: { stroke: null },
      axis: { labelFontSize: 11, titleFontSize: 11 },
      legend: { labelFontSize: 11, titleFontSize: 11 },
    },
    padding: 16,
    background: 'white',
    resolve: { scale: { color: 'independent' } },
    vconcat: [intensity, placement, { hconcat: [perRegion, perDay], resolve: { scale: { color: 'independent' } } }],
  } as TopLevelSpec;
}

export async function renderSvg(report: Report): Promise<string> {
  const view = new vega.View(vega.parse(compile(reportSpec(report)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** PNG at 2× for legibility; text uses the system's fonts (none installed: text is not drawn). */
export function renderPng(svg: string): Buffer {
  const resvg = new Resvg(svg, {
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    fitTo: { mode: 'zoom', value: 2 },
    background: 'white',
  });
  return Buffer.from(resvg.render().asPng());
}

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

export function renderHtml(report: Report, svg: string): string {
  const rows = report.per_day
    .map(
      (d) =>
        `<tr><td>${d.day}</td><td>${d.runs}</td><td>${d.moved}</td><td>${fmtG(d.actual_gCO2e)}</td><td>${fmtG(d.home_gCO2e)}</td><td>${fmtG(d.saved_gCO2e)}</td></tr>`,
    )
    .join('\n');
  const sources = report.sources
    .map(
      (s) =>
        `<li>${escapeHtml(`${s.data}${s.region ? ` (${s.region})` : ''}: ${s.source}${s.detail ? `, ${s.detail}` : ''}${s.period ? `, period ${s.period}` : ''}${s.collected_at ? `, collected ${s.collected_at}` : ''}`)}</li>`,
    )
    .join('\n');
  const assumptions = report.assumptions.map((a) => `<li>${escapeHtml(a)}</li>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Caribou report: ${escapeHtml(report.workflow_id)}</title>
<style>body{font-family:${FONT};margin:24px;color:#222}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th{background:#f3f3f3}</style>
</head><body>
${svg}
<h2>Carbon per day (modeled, gCO2e)</h2>
<table><tr><th>day</th><th>runs</th><th>moved</th><th>as executed</th><th>all at home</th><th>saved</th></tr>
${rows}
</table>
<h2>Data sources</h2><ul>
${sources}
</ul>
${assumptions ? `<h2>Assumptions (defaults used for missing data)</h2><ul>\n${assumptions}\n</ul>` : ''}
<p>Model: execution energy from each instance's synced duration × the region's power model (CPU at 50 % utilization, memory) × PUE × the region's grid intensity at the run's UTC hour, plus invoked payloads × 0.001 kWh/GB × route intensity; the counterfactual uses the same durations and payloads at the home region. See docs/report.md.</p>
<script type="application/json" id="caribou-report">${JSON.stringify({ ...report, runs_detail: undefined }).replace(/</g, '\\u003c')}</script>
</body></html>
`;
}
