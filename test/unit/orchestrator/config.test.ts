// The typed orchestrator config: defaults from the manifest, overrides, clear errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromEnv, labourerIds, parseOrchestratorConfig } from '../../../shared/orchestrator/config.js';
import { ValidationError } from '../../../shared/errors.js';

test('defaults: every labourer, sosw coefficients and greenfield constants, max duration from the Lambda timeout', () => {
  const config = parseOrchestratorConfig({});
  assert.deepEqual(labourerIds(config), ['log-syncer', 'data-collectors', 'deployment-manager', 'migrator']);
  assert.deepEqual(config.invocation_coefficient, { 0: 0, 1: 0, 2: 0.5, 3: 0.75, 4: 1 });
  assert.equal(config.greenfield_invocation_delta_s, 31_557_600);
  assert.equal(config.greenfield_task_step, 1000);
  assert.equal(config.labourers['log-syncer']?.max_attempts, 3);
  assert.equal(config.labourers['log-syncer']?.max_duration_s, 900 + 60);
});

test('an override merges labourer by labourer and field by field', () => {
  const config = parseOrchestratorConfig({
    labourers: { migrator: { max_simultaneous_invocations: 2 } },
    invocation_coefficient: { 1: 0.1 },
  });
  assert.equal(config.labourers.migrator?.max_simultaneous_invocations, 2);
  assert.equal(config.labourers.migrator?.max_attempts, 3);
  assert.equal(config.labourers['log-syncer']?.max_simultaneous_invocations, 10);
  assert.equal(config.invocation_coefficient[1], 0.1);
  assert.equal(config.invocation_coefficient[4], 1);
});

test('errors name the field and what was expected', () => {
  assert.throws(
    () =>
      parseOrchestratorConfig({
        labourers: {
          migrator: { health_metrics: { q: { metric: { namespace: 'AWS/SQS', metric_name: 'X' }, feelings: { 4: 1 }, comparison: '=<' } } },
        },
      }),
    (e: unknown) =>
      e instanceof ValidationError && /labourers\.migrator\.health_metrics\.q\.comparison/.test(e.message) && /"<="/.test(e.message),
  );
  assert.throws(() => parseOrchestratorConfig({ labourers: { 'not-a-service': {} } }), ValidationError);
  assert.throws(
    () =>
      parseOrchestratorConfig({
        labourers: { migrator: { health_metrics: { q: { metric: { namespace: 'N', metric_name: 'X' }, feelings: { 4: 50, 3: 25 } } } } },
      }),
    /labourers\.migrator: health metric "q": feelings out of order/,
  );
  assert.throws(
    () =>
      parseOrchestratorConfig({
        labourers: { migrator: { health_metrics: { q: { metric: { namespace: 'N', metric_name: 'X' }, feelings: { 7: 1 } } } } },
      }),
    /eco status 0\.\.4/,
  );
});

test('CARIBOU_ORCHESTRATOR_CONFIG: JSON object, or a clear error', () => {
  assert.equal(configFromEnv({ CARIBOU_ORCHESTRATOR_CONFIG: '{"lease_s": 7}' }).lease_s, 7);
  assert.equal(configFromEnv({}).lease_s, 120);
  assert.throws(() => configFromEnv({ CARIBOU_ORCHESTRATOR_CONFIG: '{nope' }), /CARIBOU_ORCHESTRATOR_CONFIG is not JSON/);
});
