// sosw's numeric scenarios (sosw-spec §9) for health, desired invocations and retry delays.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { desiredInvocations, healthOf, retryDelayS, validateFeelings } from '../../../shared/orchestrator/policy.js';
import { ECO_STATUSES, type EcoStatus } from '../../../shared/orchestrator/config.js';
import { ValidationError } from '../../../shared/errors.js';

const COEFFICIENT: Record<EcoStatus, number> = { 0: 0, 1: 0, 2: 0.5, 3: 0.75, 4: 1 };

test('eco statuses are exactly 0..4 (sosw §9.6.1)', () => {
  assert.deepEqual([...ECO_STATUSES], [0, 1, 2, 3, 4]);
});

test('health with feelings {3: 50, 4: 25} and "<=" (sosw §9.6.7)', () => {
  const metric = { feelings: { 3: 50, 4: 25 }, comparison: '<=' as const };
  const table: [number, EcoStatus][] = [
    [0, 4],
    [1.0, 4],
    [25, 4],
    [25.000001, 3],
    [30, 3],
    [50, 3],
    [51, 0],
  ];
  for (const [value, status] of table) assert.equal(healthOf(value, metric), status, `value ${value}`);
});

test('strict "<" excludes the threshold itself', () => {
  const metric = { feelings: { 3: 50, 4: 25 }, comparison: '<' as const };
  assert.equal(healthOf(24.9, metric), 4);
  assert.equal(healthOf(25, metric), 3);
  assert.equal(healthOf(50, metric), 0);
});

test('non-monotonic feelings {1: 40, 3: 50, 4: 25} are rejected (sosw §9.6.8)', () => {
  assert.throws(() => healthOf(10, { feelings: { 1: 40, 3: 50, 4: 25 }, comparison: '<=' }), ValidationError);
  assert.throws(() => validateFeelings({ 1: 40, 3: 50, 4: 25 }, '<=', 'db_cpu'), /db_cpu.*status 1 has threshold 40/);
});

test('greater-is-better feelings work (sosw rejected every ">=" config)', () => {
  const metric = { feelings: { 4: 0.99, 3: 0.9, 2: 0.5 }, comparison: '>=' as const };
  assert.equal(healthOf(1, metric), 4);
  assert.equal(healthOf(0.99, metric), 4);
  assert.equal(healthOf(0.95, metric), 3);
  assert.equal(healthOf(0.5, metric), 2);
  assert.equal(healthOf(0.49, metric), 0);
  assert.equal(healthOf(0.99, { ...metric, comparison: '>' }), 3);
  // For ">=" a lower status must have a lower threshold.
  assert.throws(() => validateFeelings({ 4: 0.5, 3: 0.9 }, '>=', 'success_rate'), ValidationError);
});

test('desired invocations for max 10, running 0, statuses 0..4 are 0, 0, 5, 7, 10 (sosw §9.2.1)', () => {
  assert.deepEqual(
    ECO_STATUSES.map((s) => desiredInvocations(10, s, 0, COEFFICIENT)),
    [0, 0, 5, 7, 10],
  );
});

test('desired invocations by max simultaneous (sosw §5.2, probed table)', () => {
  const rows: [number, number[]][] = [
    [1, [0, 0, 0, 0, 1]],
    [2, [0, 0, 1, 1, 2]],
    [3, [0, 0, 1, 2, 3]],
    [10, [0, 0, 5, 7, 10]],
  ];
  for (const [max, expected] of rows)
    assert.deepEqual(
      ECO_STATUSES.map((s) => desiredInvocations(max, s, 0, COEFFICIENT)),
      expected,
      `max ${max}`,
    );
});

test('running tasks are subtracted and the result is never negative', () => {
  assert.equal(desiredInvocations(10, 4, 3, COEFFICIENT), 7);
  assert.equal(desiredInvocations(5, 4, 5, COEFFICIENT), 0);
  assert.equal(desiredInvocations(5, 2, 4, COEFFICIENT), 0);
  assert.equal(desiredInvocations(0, 4, 0, COEFFICIENT), 0);
});

test('a coefficient map from JSON config overrides the defaults', () => {
  assert.equal(desiredInvocations(10, 1, 0, { ...COEFFICIENT, 1: 0.2 }), 2);
});

test('retry delay is exponential, capped, and jitter only randomises its share', () => {
  const retry = { base_delay_s: 60, max_delay_s: 600, jitter: 0 };
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((a) => retryDelayS(a, retry)),
    [60, 120, 240, 480, 600, 600],
  );
  const jittered = { ...retry, jitter: 0.5 };
  assert.equal(
    retryDelayS(3, jittered, () => 0),
    120,
  );
  assert.equal(
    retryDelayS(3, jittered, () => 0.5),
    180,
  );
  assert.equal(
    retryDelayS(3, jittered, () => 1),
    240,
  );
  assert.equal(
    retryDelayS(2, { ...retry, jitter: 1 }, () => 0.25),
    30,
  );
});

test('the cap bounds the exponential delay (sosw §9.5.5 used linear 45 s × 5 = 225)', () => {
  // sosw §9.5.5: max_duration 45 × attempts 5. Ours with base 45 doubles instead: 45·2^4 = 720.
  assert.equal(retryDelayS(5, { base_delay_s: 45, max_delay_s: 225, jitter: 0 }), 225);
  assert.equal(retryDelayS(5, { base_delay_s: 45, max_delay_s: 10_000, jitter: 0 }), 720);
});
