// The end of `make local`: what moved where, the modeled carbon per run, the runs observed in the
// new regions, and the commands to explore further (or, on failure, which step and service).
import path from 'node:path';
import { shortInstance } from '../report/model.js';
import type { LoopResult } from './driver.js';

const g = (x: number) => x.toPrecision(3);
const pct = (from: number, to: number) => (from > 0 ? `${(((to - from) / from) * 100).toFixed(0)} %` : 'n/a');

export function loopSummary(result: LoopResult): string[] {
  const out: string[] = [''];
  const time = `${Math.floor(result.elapsedS / 60)} min ${Math.round(result.elapsedS % 60)} s`;
  if (!result.ok) {
    out.push(`The carbon loop stopped at "${result.failed?.step}" after ${time}.`);
    out.push(`  missing effect: ${result.failed?.message}`);
    out.push(`  responsible:    ${result.failed?.service}`);
    out.push(
      "  (`caribou local status` shows DLQs and schedules; `caribou tasks` the orchestrator's tasks; `caribou local logs <function>` the logs)",
    );
    return out;
  }
  out.push(`The carbon loop ran in ${time}: ${result.workflowId} left its home region.`);
  out.push('Moved by the plan:');
  // Instances of one function moved alike are one line: "image_processor (5 instances)".
  const groups = new Map<string, { fn: string; region: string; hours: string; instances: string[] }>();
  for (const m of result.moved) {
    const fn = shortInstance(m.instance).split(':')[0]!;
    const key = `${fn}|${m.region}|${m.hours}`;
    const g = groups.get(key) ?? { fn, region: m.region, hours: m.hours, instances: [] };
    g.instances.push(shortInstance(m.instance));
    groups.set(key, g);
  }
  for (const g of groups.values()) {
    const label = g.instances.length === 1 ? g.instances[0]! : `${g.fn} (${g.instances.length} instances)`;
    out.push(`  ${label.padEnd(36)} → ${g.region}  UTC ${g.hours}`);
  }
  if (result.expectedPerRun) {
    const e = result.expectedPerRun;
    out.push(
      `Modeled gCO2e per run (solver): ${g(e.homeGCO2e)} all at home → ${g(e.planGCO2e)} with the plan (${pct(e.homeGCO2e, e.planGCO2e)})`,
    );
  }
  const r = result.report;
  if (r) {
    out.push(
      `Synced runs (caribou report): ${r.runs.accounted} runs, ${r.runs.moved} used other regions; ${g(r.carbon.actual.gCO2e)} gCO2e as executed vs ${g(r.carbon.home_counterfactual.gCO2e)} all at home; cost ${r.cost.delta_percent === null ? 'n/a' : `${r.cost.delta_percent >= 0 ? '+' : ''}${r.cost.delta_percent} %`}; p95 ${r.runtime.p95_moved_runs ?? 'n/a'} s vs ${r.runtime.p95_home_runs ?? 'n/a'} s at home`,
    );
  }
  out.push('Runs after the migration:');
  for (const run of result.nextRuns) {
    const byRegion = new Map<string, string[]>();
    for (const i of run.instances) byRegion.set(i.region, [...(byRegion.get(i.region) ?? []), shortInstance(i.instance).split(':')[0]!]);
    out.push(`  ${run.run_id.slice(0, 12)}  ${[...byRegion].map(([region, fns]) => `${region}: ${fns.join(', ')}`).join('  |  ')}`);
  }
  if (result.reportFiles.length) out.push(`Report: ${result.reportFiles.map((f) => path.relative(process.cwd(), f)).join(', ')}`);
  out.push('');
  out.push('Local mode is still running. Next:');
  out.push('  eval "$(node bin/caribou.js local env)"');
  out.push(`  node bin/caribou.js report ${result.workflowId} --out report.png`);
  out.push(`  node bin/caribou.js plan ${result.workflowId}`);
  out.push(`  node bin/caribou.js runs ${result.workflowId}`);
  out.push(`  node bin/caribou.js run ${result.workflowId} -a '{"desired_transformations":["flip"]}' --wait`);
  out.push('  node bin/caribou.js local status');
  out.push('  make local-down');
  return out;
}
