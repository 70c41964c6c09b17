import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { solveCommand } from '../../../cli/commands/solve.js';
import { UsageError } from '../../../shared/errors.js';
import { loadSolverInput, solveForDeploymentManager, solveWorkflow, toPlacementPlan, toStagingArea } from '../../../shared/solver/index.js';
import { FIXTURES } from './helpers.js';

const mc = { minSamples: 30, maxSamples: 30, batchSize: 30 };
const load = (shape: string) => loadSolverInput(`${FIXTURES}data`, `${FIXTURES}${shape}.json`);

describe('solveWorkflow and plans', () => {
  it('is deterministic under a seed, on the main thread and on the worker pool alike', async () => {
    const input = await load('integration_test_workflow');
    const strip = (r: Awaited<ReturnType<typeof solveWorkflow>>) =>
      r.hours.map((h) => ({ hour: h.hour, p: h.placementByInstance, m: h.metrics, e: h.evaluations }));
    const stochastic = { hours: [6], calculator: 'go' as const, seed: 7, monteCarlo: mc, algorithm: 'stochastic' as const, workers: 0 };
    const inline = await solveWorkflow(input, stochastic);
    assert.deepEqual(strip(await solveWorkflow(input, stochastic)), strip(inline));
    assert.notDeepEqual(strip(await solveWorkflow(input, { ...stochastic, seed: 8 })), strip(inline));
    const first = inline.hours[0]!.placementByInstance['ITW-0_0_1-First:entry_point:0']!;
    assert.ok(['aws:us-east-1', 'aws:us-east-2', 'aws:ca-central-1'].includes(first), `First placed in ${first}`);
    assert.ok(inline.timing.evaluations > 20 && inline.timing.samples === inline.timing.evaluations * 30, 'timing counts');
    // Two hours on the main thread beside a worker give what the main thread alone gives.
    const coarse = { hours: [18, 6], calculator: 'go' as const, seed: 7, monteCarlo: mc, algorithm: 'coarse' as const };
    const pooled = await solveWorkflow(input, { ...coarse, workers: 2 });
    assert.deepEqual(strip(pooled), strip(await solveWorkflow(input, { ...coarse, workers: 0 })));
    assert.deepEqual(
      pooled.hours.map((h) => h.hour),
      [6, 18],
    );
  });

  it('formats a PlacementPlan with numeric sorted hours, metrics beside home metrics, and an expiry', async () => {
    const input = await load('dna_visualization');
    const result = await solveWorkflow(input, { hours: [12, 0, 6], calculator: 'simple', monteCarlo: mc, algorithm: 'coarse' });
    const plan = toPlacementPlan(result, { now: new Date('2026-11-23T10:00:00Z'), expirySeconds: 3600 });
    assert.equal(plan.expiry_time, '2026-11-23T11:00:00.000Z');
    assert.deepEqual(plan.time_keys, [0, 6, 12]);
    assert.deepEqual(Object.keys(plan.hours), ['0', '6', '12']);
    const inst = 'dna_visualization-0_0_1-visualize:entry_point:0';
    assert.match(plan.hours['12']![inst]!, /^aws:[a-z]+-[a-z]+-\d$/);
    const m = plan.metrics!['12']!;
    assert.ok(m.metrics.average_carbon < m.home_metrics.average_carbon, 'greener than home');
    const staging = toStagingArea(plan);
    assert.deepEqual(Object.keys(staging.time_keys_to_staging_area_data), ['0', '6', '12']);
    assert.equal(staging.time_keys_to_staging_area_data['0']![inst]!.provider_region.provider, 'aws');
    assert.equal(staging.expiry_time, '2026-11-23 11:00:00,000000+0000');
  });

  it('gives the deployment manager a plan and timing within its budget', async () => {
    const input = await load('dna_visualization');
    const out = await solveForDeploymentManager({
      input,
      calculator: 'simple',
      solveHours: [0, 12],
      budgetSeconds: 30,
      expirySeconds: 7200,
      now: new Date('2026-01-01T00:00:00Z'),
    });
    assert.deepEqual(out.plan.time_keys, [0, 12]);
    assert.equal(out.plan.expiry_time, '2026-01-01T02:00:00.000Z');
    assert.ok(out.timing.evaluations >= 2 && out.timing.seconds < 30, 'timing');
  });
});

describe('caribou solve', () => {
  const run = async (argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await solveCommand.run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };

  it('prints one JSON object with placement, metrics, home metrics and timing per hour', async () => {
    const r = await run([
      '--data',
      `${FIXTURES}data`,
      '--workflow',
      `${FIXTURES}map_reduce.json`,
      '--hours',
      '0,12',
      '--algorithm',
      'coarse',
      '--calculator',
      'simple',
      '--samples',
      '50',
      '--json',
    ]);
    assert.equal(r.code, 0);
    const j = JSON.parse(r.out);
    assert.deepEqual(Object.keys(j.hours), ['0', '12']);
    const h = j.hours['12'];
    assert.equal(Object.keys(h.placement).length, 11);
    for (const k of ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime']) {
      assert.equal(typeof h.metrics[k], 'number');
      assert.equal(typeof h.home_metrics[k], 'number');
    }
    assert.equal(j.timing.evaluations, 2 * 12);
    assert.equal(j.timing.samples, 2 * 12 * 50);
    assert.equal(typeof j.timing.seconds, 'number');
  });

  it('prints text with regions, reduction and timing', async () => {
    const r = await run([
      '--data',
      `${FIXTURES}data`,
      '--workflow',
      `${FIXTURES}dna_visualization.json`,
      '--hours',
      '6',
      '--calculator',
      'simple',
      '--samples',
      '50',
    ]);
    assert.equal(r.code, 0);
    assert.match(r.out, /hour 6: carbon reduction \d+\.\d% vs home/);
    assert.match(r.out, /visualize:entry_point:0 -> aws:/);
    assert.match(r.out, /total [\d.]+ s, \d+ deployments evaluated, \d+ samples drawn/);
  });

  it('rejects bad options as usage errors and bad files with the file and field', async () => {
    await assert.rejects(run(['--data', 'x']), UsageError);
    await assert.rejects(run(['--data', 'x', '--workflow', 'y', '--hours', '25']), /--hours/);
    await assert.rejects(run(['--data', 'x', '--workflow', 'y', '--calculator', 'rust']), /--calculator/);
    await assert.rejects(run(['--data', `${FIXTURES}data`, '--workflow', `${FIXTURES}nope.json`]), /nope\.json: cannot be read/);
  });
});
