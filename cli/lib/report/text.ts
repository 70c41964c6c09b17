// The report as a terminal summary: key figures, then small tables (per region, per day, placement).
import { keyFigures } from './charts.js';
import { shortInstance, type Report } from './model.js';

export function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

const g = (x: number) => x.toPrecision(4);

/** Sorted hours as spans: [0,1,2,5] → "0-2h, 5h". */
export function hourSpans(hours: number[]): string {
  const sorted = [...new Set(hours)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(i === j ? `${sorted[i]}h` : `${sorted[i]}-${sorted[j]}h`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** Hours grouped into ranges with the same region: "0-5 aws:eu-north-1, 6-23 aws:us-east-1". */
export function hourRanges(byHour: Array<{ hour: number; region: string }>): string {
  const parts: string[] = [];
  const sorted = [...byHour].sort((a, b) => a.hour - b.hour);
  let i = 0;
  while (i < sorted.length) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1]!.region === sorted[i]!.region && sorted[j + 1]!.hour === sorted[j]!.hour + 1) j++;
    parts.push(`${sorted[i]!.hour === sorted[j]!.hour ? sorted[i]!.hour : `${sorted[i]!.hour}-${sorted[j]!.hour}`}h ${sorted[i]!.region}`);
    i = j + 1;
  }
  return parts.join(', ');
}

export function reportText(report: Report): string[] {
  const out = [`Caribou report: ${report.workflow_id} (home ${report.home_region}, generated ${report.generated_at})`, ''];
  out.push(...keyFigures(report).map((l) => `  ${l}`), '');
  if (report.per_region.length) {
    out.push('Runs per region (synced):');
    out.push(
      ...table([
        ['  region', 'runs', 'executions', 'modeled gCO2e', 'functions'],
        ...report.per_region.map((r) => [
          `  ${r.region}`,
          String(r.runs),
          String(r.instance_executions),
          g(r.actual_gCO2e),
          Object.entries(r.by_function)
            .map(([f, n]) => `${f}×${n}`)
            .join(' '),
        ]),
      ]),
    );
    out.push('');
  }
  if (report.per_day.length) {
    out.push('Modeled carbon per day (gCO2e):');
    out.push(
      ...table([
        ['  day', 'runs', 'moved', 'as executed', 'all at home', 'saved'],
        ...report.per_day.map((d) => [`  ${d.day}`, String(d.runs), String(d.moved), g(d.actual_gCO2e), g(d.home_gCO2e), g(d.saved_gCO2e)]),
      ]),
    );
    out.push('');
  }
  const instances = [...new Set(report.placement.hours.map((h) => h.instance))];
  if (instances.length) {
    out.push(`Placement per UTC hour${report.placement.active ? '' : ' (no active plan)'}:`);
    for (const instance of instances)
      out.push(`  ${shortInstance(instance)}: ${hourRanges(report.placement.hours.filter((h) => h.instance === instance))}`);
    out.push('');
  }
  const profiles = Object.entries(report.intensity.profiles);
  if (profiles.length) {
    out.push('Grid intensity now (gCO2e/kWh):');
    const nowHour = new Date(report.generated_at).getUTCHours();
    const at = (region: string) => report.intensity.points.find((p) => p.region === region && p.hour === nowHour)?.gCO2ePerKWh;
    out.push(
      ...table([
        ['  region', 'now', 'profile'],
        ...profiles.map(([region, profile]) => [`  ${region}`, at(region) === undefined ? '-' : String(Math.round(at(region)!)), profile]),
      ]),
    );
    out.push('');
  }
  if (report.assumptions.length) out.push('Assumptions:', ...report.assumptions.map((a) => `  - ${a}`), '');
  out.push('Charts: caribou report <id> --out report.png|report.svg|report.html; figures: --json');
  return out;
}
