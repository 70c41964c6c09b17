import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderPlanView, type PlanView } from '../../../cli/commands/plan.js';

const m = (carbon: number, runtime: number) => ({
  average_carbon: carbon,
  average_cost: 1e-5,
  average_runtime: runtime,
  tail_carbon: carbon,
  tail_cost: 1e-5,
  tail_runtime: runtime,
});
const HOME = 'aws:us-east-1';
const GREEN = 'aws:ca-central-1';

describe('caribou plan rendering', () => {
  it('shows hour ranges, the expected change vs home, kept-home reasons and the bookkeeping', () => {
    const view: PlanView = {
      workflow_id: 'wf-0.0.1',
      home_region: HOME,
      current: null,
      staged: {
        workflow_id: 'wf-0.0.1',
        staged_at: '2026-12-01T12:00:00.000Z',
        plan: {
          expiry_time: '2026-12-02T08:00:00.000Z',
          time_keys: [0, 6, 12, 18],
          hours: { '0': { a: GREEN, b: HOME }, '6': { a: GREEN, b: HOME }, '12': { a: HOME, b: HOME }, '18': { a: HOME, b: HOME } },
        },
        solved_by_task: 't1',
        solver: { algorithm: 'stochastic', calculator: 'simple', durationS: 1.5, evaluations: 40 },
        kept_home: [{ instance: 'b', reason: 'aws:ca-central-1 breaks the hard runtime constraint' }],
        candidate_regions: [GREEN, HOME],
        expected: { plan: m(0.5, 2), home: m(1, 2) },
      },
      deployment_manager: {
        tokens_left_gCO2e: 25,
        runs_at_last_solve: 20,
        last_solved_at: '2026-12-01T12:00:00.000Z',
        next_check_at: '2026-12-02T08:00:00.000Z',
      },
    };
    const text = renderPlanView(view).join('\n');
    assert.match(text, /current plan: none, every instance runs at home/);
    assert.match(text, /0-11\s+a\s+aws:ca-central-1\n/);
    assert.match(text, /12-23\s+a\s+aws:us-east-1 \(home\)/);
    assert.match(text, /carbon, gCO2e\s+0\.5000\s+1\.000\s+-50\.0%/);
    assert.match(text, /b: aws:ca-central-1 breaks the hard runtime constraint/);
    assert.match(text, /tokens left\s+25 gCO2e/);
    assert.match(text, /next check\s+2026-12-02T08:00:00.000Z/);
    assert.doesNotMatch(text, /hour \d+: /, 'no solver reasons recorded, none shown');
    // A plan staged with the solver's per-hour reasons (optional field) shows them.
    const reason =
      "the search's best deployment broke a hard constraint's 99.9% confidence bound on 4000 common draws (tail_cost); the best compliant finalist is chosen";
    const withReasons = renderPlanView({
      ...view,
      staged: {
        ...view.staged!,
        hour_reasons: [{ hour: 6, reason, verification: { deployments: 5, samplesPerDeployment: 4000, confidence: 0.999 } }],
      },
    }).join('\n');
    assert.ok(withReasons.includes(`  hour 6: ${reason}`));
  });

  it('shows the current plan hour by hour as the runtime picks it, and says when it expired', () => {
    const view: PlanView = {
      workflow_id: 'wf-0.0.1',
      home_region: HOME,
      // Hours before the first key run the previous day's last plan hour.
      current: { expiry_time: '2000-01-01T00:00:00.000Z', time_keys: [6, 18], hours: { '6': { a: GREEN }, '18': { a: HOME } } },
      staged: null,
      deployment_manager: null,
    };
    const text = renderPlanView(view).join('\n');
    assert.match(text, /current plan \(expires 2000-01-01T00:00:00.000Z: expired, every instance runs at home\)/);
    assert.match(text, /0-5\s+a\s+aws:us-east-1 \(home\)\n\s+6-17\s+a\s+aws:ca-central-1\n\s+18-23\s+a\s+aws:us-east-1 \(home\)/);
    assert.match(text, /staged plan: none/);
    assert.match(text, /deployment manager: never checked/);
  });
});
