// caribou report's accounting: totals equal a recomputation from the synced runs with the model
// written out here by hand (docs/report.md), per-day and per-region views add up, placement per hour
// follows the runtime's rule, and missing data is named rather than hidden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeReport, percentile, planKeyFor } from '../../../cli/lib/report/model.js';
import { GREEN, HOME, INSTANCES, QUEBEC, input } from './fixtures.js';
import { recomputeCarbon } from './recompute.js';

const close = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b)), `${what}: ${a} != ${b}`);

function recompute(data: ReturnType<typeof input>) {
  return recomputeCarbon({
    runs: data.summary!.runs,
    home: HOME,
    carbon: data.carbon,
    provider: data.provider,
    memoryMb: (fn) => data.memoryMbByFunction[fn]!,
  });
}

test('totals equal a recomputation from the synced runs', () => {
  const data = input();
  const report = computeReport(data);
  const expected = recompute(data);
  close(report.carbon.actual.gCO2e, expected.actual, 'actual');
  close(report.carbon.home_counterfactual.gCO2e, expected.home, 'home');
  close(report.carbon.saved_gCO2e, expected.home - expected.actual, 'saved');
  assert.ok(report.carbon.saved_gCO2e > 0, 'moving mapper and reducer to a greener grid saves carbon');
  assert.equal(report.runs.accounted, 14);
  assert.equal(report.runs.moved, 6);
  close(report.carbon.per_run_actual_gCO2e!, expected.actual / 14, 'per run');
  assert.deepEqual(report.assumptions, []);
});

test('runs that all ran at home cost exactly their counterfactual', () => {
  const data = input();
  const report = computeReport(data);
  for (const account of report.runs_detail.filter((a) => !a.moved)) {
    close(account.actual.totalG, account.home.totalG, account.run_id);
    close(account.actual.costUsd, account.home.costUsd, `${account.run_id} cost`);
  }
});

test('per-day and per-region views add up to the totals', () => {
  const report = computeReport(input());
  assert.deepEqual(
    report.per_day.map((d) => [d.day, d.runs, d.moved]),
    [
      ['2026-11-30', 8, 0],
      ['2026-12-01', 6, 6],
    ],
  );
  close(
    report.per_day.reduce((s, d) => s + d.actual_gCO2e, 0),
    report.carbon.actual.gCO2e,
    'per day actual',
  );
  close(
    report.per_day.reduce((s, d) => s + d.home_gCO2e, 0),
    report.carbon.home_counterfactual.gCO2e,
    'per day home',
  );
  const byRegion = Object.fromEntries(report.per_region.map((r) => [r.region, r]));
  assert.equal(byRegion[HOME]!.runs, 14);
  assert.equal(byRegion[GREEN]!.runs, 6);
  assert.deepEqual(byRegion[GREEN]!.by_function, { mapper: 6, reducer: 6 });
  assert.equal(byRegion[HOME]!.instance_executions, 14 * 4 - 12);
  close(
    report.per_region.reduce((s, r) => s + r.actual_gCO2e, 0),
    report.carbon.actual.executionGCO2e,
    'per region = execution carbon',
  );
});

test('cost and p95 runtime are compared with home', () => {
  const data = input();
  const report = computeReport(data);
  const moved = data.summary!.runs.filter((r) => r.instances.some((i) => i.region !== HOME)).map((r) => r.runtimeS);
  const athome = data.summary!.runs.filter((r) => r.instances.every((i) => i.region === HOME)).map((r) => r.runtimeS);
  close(report.runtime.p95_moved_runs!, percentile(moved, 95)!, 'p95 moved');
  close(report.runtime.p95_home_runs!, percentile(athome, 95)!, 'p95 home');
  assert.ok(report.cost.actual > report.cost.home_counterfactual, 'egress and a dearer GB-s make the moved runs cost more');
  assert.equal(percentile([1, 2, 3, 4], 50), 2.5);
  assert.equal(percentile([], 95), null);
});

test('placement per hour follows the largest plan key <= hour; an expired plan means home', () => {
  const report = computeReport(input());
  const at = (hour: number, instance: string) => report.placement.hours.find((h) => h.hour === hour && h.instance === instance)!.region;
  assert.equal(at(0, INSTANCES.mapper), GREEN);
  assert.equal(at(17, INSTANCES.mapper), GREEN);
  assert.equal(at(18, INSTANCES.mapper), QUEBEC);
  assert.equal(at(23, INSTANCES.reducer), HOME);
  assert.equal(report.placement.hours.length, 24 * 4);
  assert.equal(report.placement.active, true);
  assert.ok(report.placement.expected && report.placement.expected.plan.average_carbon < report.placement.expected.home.average_carbon);
  assert.equal(planKeyFor([6, 18, 0], 5), 0);
  assert.equal(planKeyFor([6, 18], 5), undefined);
  const expired = computeReport(input({ now: new Date('2026-12-03T00:00:00Z') }));
  assert.equal(expired.placement.active, false);
  assert.ok(expired.placement.hours.every((h) => h.region === HOME));
});

test('intensity covers the last and next 24 h of every candidate region', () => {
  const report = computeReport(input());
  for (const region of [HOME, GREEN, QUEBEC]) assert.equal(report.intensity.points.filter((p) => p.region === region).length, 49);
  assert.equal(report.intensity.profiles[GREEN], 'flat-yearly-average');
  const now = report.intensity.points.find((p) => p.region === HOME && p.time === '2026-12-01T12:00:00.000Z')!;
  assert.equal(now.when, 'past');
  assert.ok(report.sources.some((s) => s.source === 'tgwf-co2-yearly-average' && s.region === GREEN));
});

test('missing documents fall back to the solver defaults and say so', () => {
  const data = input({ carbon: {}, provider: {}, memoryMbByFunction: {} });
  const report = computeReport(data);
  assert.ok(report.assumptions.some((a) => a.includes(`no carbon document for ${GREEN}`)));
  assert.ok(report.assumptions.some((a) => a.includes('no provider document')));
  assert.ok(report.assumptions.some((a) => a.includes('memory of function mapper unknown')));
  // Same default intensity everywhere: moving saves only what the PUE difference gives (nothing here).
  close(report.carbon.actual.executionGCO2e, report.carbon.home_counterfactual.executionGCO2e, 'no data, no saving');
});

test('no synced runs: an empty but valid report', () => {
  const report = computeReport(input({ summary: undefined }));
  assert.equal(report.runs.accounted, 0);
  assert.equal(report.carbon.per_run_actual_gCO2e, null);
  assert.equal(report.carbon.saved_percent, null);
  assert.equal(report.runtime.p95_all, null);
  assert.deepEqual(report.per_day, []);
});
