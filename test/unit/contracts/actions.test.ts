import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseAction, parseInternalEvent } from '../../../shared/contracts/validate.js';
import { ValidationError } from '../../../shared/errors.js';
import { SEED_ACTIONS } from '../../fixtures/seed-actions.js';

test('every seed example parses as its action', () => {
  assert.equal(Object.keys(SEED_ACTIONS).length, 13);
  for (const [name, payload] of Object.entries(SEED_ACTIONS)) {
    const parsed = parseAction(payload);
    assert.equal(parsed.action, payload.action, name);
  }
});

test('manage_deployments defaults the calculator to simple, as the Python system did', () => {
  const parsed = parseAction({ action: 'manage_deployments' });
  assert.deepEqual(parsed, { action: 'manage_deployments', deployment_metrics_calculator_type: 'simple' });
});

test('solve_hours accept the seed strings and numbers and become numeric hours', () => {
  const parsed = parseAction({
    action: 'internal_action',
    type: 'run_deployment_algorithm',
    event: { workflow_id: 'wf-0.0.1', deployment_metrics_calculator_type: 'go', solve_hours: ['0', 6, '18'], leftover_tokens: 3 },
  });
  assert.equal(parsed.action, 'internal_action');
});

test('run_deployment_algorithm carries the algorithm the budget chose (optional, ours)', () => {
  const base = { workflow_id: 'wf-0.0.1', deployment_metrics_calculator_type: 'simple', solve_hours: [0], leftover_tokens: 3 };
  assert.deepEqual(parseInternalEvent('run_deployment_algorithm', { ...base, deployment_algorithm: 'coarse' }), {
    ...base,
    deployment_algorithm: 'coarse',
  });
  assert.deepEqual(parseInternalEvent('run_deployment_algorithm', base), base);
});

const malformed: Array<[string, unknown, RegExp]> = [
  ['not an object', 'list', /JSON object with an "action" field/],
  ['an array', [{ action: 'list' }], /JSON object/],
  ['no action', {}, /field "action": is required; expected one of "list"/],
  ['unknown action', { action: 'deploy' }, /unknown action "deploy"; expected one of/],
  ['action not a string', { action: 3 }, /unknown action number 3/],
  ['run without workflow_id', { action: 'run' }, /field "workflow_id": is required/],
  [
    'run with a bad workflow_id',
    { action: 'run', workflow_id: 'no version' },
    /field "workflow_id": expected "<workflow_name>-<version>".*got "no version"/,
  ],
  ['remove without workflow_id', { action: 'remove' }, /field "workflow_id": is required/],
  ['data_collect without collector', { action: 'data_collect' }, /field "collector": is required; expected one of "provider"/],
  [
    'data_collect with an unknown collector',
    { action: 'data_collect', collector: 'weather' },
    /field "collector": expected one of .*got "weather"/,
  ],
  [
    'workflow collector without workflow_id',
    { action: 'data_collect', collector: 'workflow' },
    /field "workflow_id": required when collector is "workflow"/,
  ],
  [
    'unknown calculator',
    { action: 'manage_deployments', deployment_metrics_calculator_type: 'rust' },
    /field "deployment_metrics_calculator_type": expected "simple" or "go", got "rust"/,
  ],
  ['internal without type', { action: 'internal_action', event: {} }, /field "type": is required/],
  [
    'internal with unknown type',
    { action: 'internal_action', type: 'explode', event: {} },
    /field "type": expected one of "sync_workflow"/,
  ],
  ['internal without event', { action: 'internal_action', type: 'sync_workflow' }, /field "event": is required/],
  [
    'sync_workflow without workflow_id',
    { action: 'internal_action', type: 'sync_workflow', event: {} },
    /field "event.workflow_id": is required/,
  ],
  [
    'check_workflow without calculator',
    { action: 'internal_action', type: 'check_workflow', event: { workflow_id: 'a-1' } },
    /field "event.deployment_metrics_calculator_type": is required/,
  ],
  [
    'run_deployment_algorithm with hour 24',
    {
      action: 'internal_action',
      type: 'run_deployment_algorithm',
      event: { workflow_id: 'a-1', deployment_metrics_calculator_type: 'simple', solve_hours: ['24'], leftover_tokens: 1 },
    },
    /field "event.solve_hours.0": expected an hour 0..23, got "24"/,
  ],
  [
    'run_deployment_algorithm with fractional tokens',
    {
      action: 'internal_action',
      type: 'run_deployment_algorithm',
      event: { workflow_id: 'a-1', deployment_metrics_calculator_type: 'simple', solve_hours: [0], leftover_tokens: 1.5 },
    },
    /field "event.leftover_tokens": expected an integer number of tokens/,
  ],
  [
    'run_deployment_algorithm without hours',
    {
      action: 'internal_action',
      type: 'run_deployment_algorithm',
      event: { workflow_id: 'a-1', deployment_metrics_calculator_type: 'simple', solve_hours: [], leftover_tokens: 1 },
    },
    /expected at least one solve hour/,
  ],
  [
    'run_deployment_algorithm with an unknown algorithm',
    {
      action: 'internal_action',
      type: 'run_deployment_algorithm',
      event: {
        workflow_id: 'a-1',
        deployment_metrics_calculator_type: 'simple',
        solve_hours: [0],
        leftover_tokens: 1,
        deployment_algorithm: 'greedy',
      },
    },
    /field "event.deployment_algorithm": expected "coarse", "fine" or "stochastic"/,
  ],
  [
    're_deploy_workflow with a numeric id',
    { action: 'internal_action', type: 're_deploy_workflow', event: { workflow_id: 7 } },
    /field "event.workflow_id": expected a workflow id string/,
  ],
];

for (const [name, payload, message] of malformed) {
  test(`malformed: ${name} is a ValidationError naming the field`, () => {
    assert.throws(
      () => parseAction(payload),
      (error: unknown) => {
        assert.ok(error instanceof ValidationError, `expected ValidationError, got ${String(error)}`);
        assert.match(error.message, message);
        return true;
      },
    );
  });
}
