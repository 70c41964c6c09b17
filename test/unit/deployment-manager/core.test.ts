import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkWorkflow, runDeploymentAlgorithm, sigmoidDelayS } from '../../../services/deployment-manager/core/index.js';
import { workflowDoc, type FixtureRegion } from '../../fixtures/collected.js';
import { fakePorts } from './fakes.js';

const HOME = 'aws:us-east-1';
const GREEN = 'aws:ca-central-1';
const NOW = new Date('2026-12-01T12:00:00.000Z');
const REGIONS: FixtureRegion[] = [
  { key: HOME, ci: 400 },
  { key: GREEN, ci: 30 },
];
const A = 'wf-0_0_1-a:entry_point:0';
const B = 'wf-0_0_1-b:0';
const doc = (extra = {}) =>
  workflowDoc({
    workflowId: 'wf-0.0.1',
    home: HOME,
    permitted: [HOME, GREEN],
    instances: [{ name: A, succeeding: [B] }, { name: B }],
    runtimeSamplesS: [2, 3, 4],
    dailyInvocationCounts: { '2026-11-30': 30, '2026-12-01': 20 },
    ...extra,
  });
const meta = { root_id: 'root-1', hop: 1, idempotency_key: 'task-check', task_id: 'task-check' };
const check = { workflow_id: 'wf-0.0.1', deployment_metrics_calculator_type: 'simple' as const };

describe('check_workflow', () => {
  it('affordable: records the decision, then emits run_deployment_algorithm with hours, whole leftover tokens and the algorithm', async () => {
    const f = fakePorts({ workflow: doc(), regions: REGIONS, now: NOW });
    const r = await checkWorkflow(f.ports, check, meta);
    assert.equal(r.outcome, 'solve requested');
    assert.deepEqual(f.journal, ['collect', 'state solve requested', 'dispatch run_deployment_algorithm']);
    // Income 185 × 0.001 × 3 s × 50 runs = 27.75 g; 24 stochastic solves of 2 instances at 400 g/kWh = 1.9202 g.
    assert.equal(r.detail.income_gCO2e, 27.75);
    const item = f.dispatched[0]!;
    assert.deepEqual(item.parent, { root_id: 'root-1', hop: 1 });
    assert.deepEqual(item.event, {
      workflow_id: 'wf-0.0.1',
      deployment_metrics_calculator_type: 'simple',
      solve_hours: Array.from({ length: 24 }, (_, h) => h),
      leftover_tokens: 25, // ⌊27.75 − 1.9202⌋
      deployment_algorithm: 'coarse', // the workflow configured coarse; stochastic was affordable
    });
    assert.equal(f.state()!.last_checked_at, NOW.toISOString());
    assert.equal(f.state()!.next_check_at, undefined, 'the solve sets the next check');
  });

  it('the budget picks the algorithm: only coarse affordable → coarse even when stochastic is configured', async () => {
    const f = fakePorts({
      workflow: doc({ algorithm: 'stochastic', runtimeSamplesS: [0.01], dailyInvocationCounts: { '2026-12-01': 11 } }),
      regions: REGIONS,
      now: NOW,
    });
    const r = await checkWorkflow(f.ports, check, meta);
    // Income 185 × 0.001 × 0.01 × 11 = 0.02035 g; coarse k costs 2 × k × 1e-5 × 400 + 0.0002 = 0.008 k + 0.0002.
    assert.equal(r.outcome, 'solve requested');
    assert.equal(r.detail.afforded_algorithm, 'coarse');
    assert.equal(r.detail.solves_per_day, 2);
    assert.equal((f.dispatched[0]!.event as { deployment_algorithm: string }).deployment_algorithm, 'coarse');
    assert.deepEqual((f.dispatched[0]!.event as { solve_hours: number[] }).solve_hours, [0, 12]);
  });

  it('unaffordable: keeps last solve, tokens and run count, and sets the next check from the deficit', async () => {
    const previous = {
      last_solved_at: '2026-11-30T10:00:00.000Z',
      tokens_left_gCO2e: 0,
      runs_at_last_solve: 30,
      next_check_at: '2026-12-01T00:00:00.000Z',
    };
    // No run since the solve (all of 30 Nov's runs were seen): income 0, budget 0.
    const f = fakePorts({ workflow: doc({ dailyInvocationCounts: { '2026-11-30': 30 } }), regions: REGIONS, now: NOW, state: previous });
    const r = await checkWorkflow(f.ports, check, meta);
    assert.equal(r.outcome, 'not affordable');
    const s = f.state()!;
    assert.equal(s.last_solved_at, previous.last_solved_at);
    assert.equal(s.tokens_left_gCO2e, 0);
    assert.equal(s.runs_at_last_solve, 30);
    const deficit = 2 * 1e-5 * 400 + 2 * 1e-4; // one coarse solve − 0 tokens
    assert.equal(s.next_check_at, new Date(NOW.getTime() + sigmoidDelayS(deficit) * 1000).toISOString());
    assert.equal(f.dispatched.length, 0);
  });

  it('not due: does nothing before next_check_at', async () => {
    const f = fakePorts({
      workflow: doc(),
      regions: REGIONS,
      now: NOW,
      state: { tokens_left_gCO2e: 3, runs_at_last_solve: 0, next_check_at: '2026-12-02T00:00:00.000Z' },
    });
    assert.equal((await checkWorkflow(f.ports, check, meta)).outcome, 'not due');
    assert.deepEqual(f.journal, []);
  });

  it('not enough data: records the decision and does nothing else', async () => {
    const none = fakePorts({ workflow: undefined, regions: REGIONS, now: NOW });
    assert.equal((await checkWorkflow(none.ports, check, meta)).outcome, 'not enough data');
    assert.deepEqual(none.journal, ['collect', 'state not enough data']);
    const few = fakePorts({ workflow: doc({ dailyInvocationCounts: { '2026-12-01': 9 } }), regions: REGIONS, now: NOW });
    const r = await checkWorkflow(few.ports, check, meta);
    assert.equal(r.outcome, 'not enough data');
    assert.deepEqual(r.detail, { new_runs: 9, needed: 10 });
    assert.equal(few.dispatched.length, 0);
    assert.equal(few.state()!.last_solved_at, undefined);
  });
});

describe('run_deployment_algorithm', () => {
  const run = { workflow_id: 'wf-0.0.1', deployment_metrics_calculator_type: 'simple' as const, solve_hours: [0, 12], leftover_tokens: 25 };
  const runMeta = { idempotency_key: 'task-run', task_id: 'task-run' };

  it('stages the plan naming the greener region first, then the bookkeeping', async () => {
    const f = fakePorts({ workflow: doc(), regions: REGIONS, now: NOW, state: { tokens_left_gCO2e: 0, runs_at_last_solve: 0 } });
    const r = await runDeploymentAlgorithm(f.ports, { ...run, deployment_algorithm: 'stochastic' }, runMeta);
    assert.equal(r.outcome, 'staged');
    assert.deepEqual(f.journal, ['stage', 'state solved']);
    const staged = f.staged[0]!;
    assert.deepEqual(staged.plan.time_keys, [0, 12]);
    assert.deepEqual(staged.plan.hours['0'], { [A]: GREEN, [B]: GREEN });
    assert.equal(staged.solver.algorithm, 'stochastic', "the event's algorithm is used");
    assert.equal(staged.solved_by_task, 'task-run');
    assert.deepEqual(staged.candidate_regions, [GREEN, HOME]);
    assert.deepEqual(staged.kept_home, []);
    assert.equal(staged.hour_reasons, undefined, "every hour chose the search's best: the optional field is absent");
    assert.ok(staged.expected.plan.average_carbon < staged.expected.home.average_carbon);
    const expiry = new Date(NOW.getTime() + sigmoidDelayS(25) * 1000).toISOString();
    assert.equal(staged.plan.expiry_time, expiry);
    const s = f.state()!;
    assert.equal(s.last_solved_at, NOW.toISOString());
    assert.equal(s.tokens_left_gCO2e, 25);
    assert.equal(s.next_check_at, expiry);
    assert.equal(s.runs_at_last_solve, 20, 'runs of today already synced');
  });

  it("without an algorithm in the event, the workflow's configured one runs", async () => {
    const f = fakePorts({ workflow: doc({ algorithm: 'coarse' }), regions: REGIONS, now: NOW });
    await runDeploymentAlgorithm(f.ports, run, runMeta);
    assert.equal(f.staged[0]!.solver.algorithm, 'coarse');
    // Coarse evaluates home and each region once per hour (home reused): 2 hours × (1 + 1).
    assert.equal(f.staged[0]!.solver.evaluations, 4);
  });

  it('hard constraint: a greener region that breaks the latency limit keeps the function at home, with the reason', async () => {
    // ca-central-1 is far (2 s each way): any move adds ≥ 2 s to a run whose home p95 is ≈ 2.6 s.
    const regions: FixtureRegion[] = [
      { key: HOME, ci: 400, latencyToS: { [GREEN]: 2 } },
      { key: GREEN, ci: 30, latencyS: 2 },
    ];
    const wf = doc({ constraints: { hard: { runtime: { type: 'absolute', value: 3.5 } } } });
    const f = fakePorts({ workflow: wf, regions, now: NOW });
    await runDeploymentAlgorithm(f.ports, { ...run, solve_hours: [0], deployment_algorithm: 'stochastic' }, runMeta);
    const staged = f.staged[0]!;
    assert.deepEqual(staged.plan.hours['0'], { [A]: HOME, [B]: HOME });
    assert.ok(staged.plan.metrics!['0']!.metrics.tail_runtime <= 3.5);
    assert.deepEqual(staged.kept_home.map((k) => k.instance).sort(), [A, B]);
    for (const k of staged.kept_home)
      assert.match(
        k.reason,
        /aws:ca-central-1 \(30 vs home 400 gCO2e\/kWh\) breaks the hard runtime constraint: p95 runtime [\d.]+ > limit 3\.5 \(solve hour 0\)/,
      );
    // Without the constraint the same data moves both instances.
    const free = fakePorts({ workflow: doc(), regions, now: NOW });
    await runDeploymentAlgorithm(free.ports, { ...run, solve_hours: [0], deployment_algorithm: 'stochastic' }, runMeta);
    assert.deepEqual(free.staged[0]!.plan.hours['0'], { [A]: GREEN, [B]: GREEN });
  });

  it("an unmeetable hard limit: the staged plan records the solver's reason per hour and kept-home uses it", async () => {
    // Home's own p95 runtime is ≈ 2.6 s: no deployment meets 0.5 s, so every hour falls back to home.
    const wf = doc({ constraints: { hard: { runtime: { type: 'absolute', value: 0.5 } } } });
    const f = fakePorts({ workflow: wf, regions: REGIONS, now: NOW });
    const r = await runDeploymentAlgorithm(f.ports, { ...run, deployment_algorithm: 'coarse' }, runMeta);
    const staged = f.staged[0]!;
    assert.deepEqual(staged.plan.hours['0'], { [A]: HOME, [B]: HOME });
    const why = 'no deployment met the hard constraints in the search; the home deployment is kept';
    assert.deepEqual(staged.hour_reasons, [
      { hour: 0, reason: why },
      { hour: 12, reason: why },
    ]);
    assert.deepEqual(staged.kept_home, [
      { instance: A, reason: `${why} (solve hours 0, 12)` },
      { instance: B, reason: `${why} (solve hours 0, 12)` },
    ]);
    assert.deepEqual(r.detail.hour_reasons, [`hour 0: ${why}`, `hour 12: ${why}`]);
  });

  it('a disallowed region is never planned, even when greener', async () => {
    const record = {
      dag: {
        instances: {
          [B]: {
            regions_and_providers: {
              allowed_regions: null,
              disallowed_regions: [{ provider: 'aws', region: 'ca-central-1' }],
              providers: {},
            },
          },
        },
      },
    };
    const f = fakePorts({ workflow: doc(), regions: REGIONS, now: NOW, record: record as never });
    await runDeploymentAlgorithm(f.ports, { ...run, solve_hours: [0] }, runMeta);
    assert.equal(f.staged[0]!.plan.hours['0']![B], HOME);
  });
});
