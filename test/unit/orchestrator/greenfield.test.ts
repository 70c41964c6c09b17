// The greenfield encoding's numbers (sosw-spec §3, §9.3, §9.4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { activeState, appendGreenfields, claimGreenfield, markers, prependGreenfields } from '../../../shared/orchestrator/greenfield.js';

const DELTA = 31_557_600;
const SOSW_LABOURER = { max_duration_s: 900, cooldown_s: 300 };

test('markers at time 123: start 123, invoked 123+Δ, expired = invoked − duration − cooldown (sosw §9.3.8)', () => {
  assert.deepEqual(markers(123, SOSW_LABOURER, DELTA), { start: 123, invoked: 123 + DELTA, expired: 123 + DELTA - 900 - 300 });
  // Fractional now is truncated like sosw's int(now).
  assert.equal(markers(123.9, SOSW_LABOURER, DELTA).start, 123);
});

test('a claim writes claim time + Δ (sosw §9.3.2, §9.4.2)', () => {
  assert.equal(claimGreenfield(455533200, DELTA), 455533200 + DELTA);
  assert.equal(claimGreenfield(100000, DELTA), 100000 + DELTA);
  assert.equal(claimGreenfield(100000.7, DELTA), 100000 + DELTA);
});

test('new tasks: empty queue starts at 2000, then +1000; newest 5000 → 6000 (sosw §3.3, §9.3.17)', () => {
  assert.deepEqual(appendGreenfields(undefined, 3, 1000), [2000, 3000, 4000]);
  assert.deepEqual(appendGreenfields(5000, 1, 1000), [6000]);
});

test('retries go before the queue head, earliest due first; an empty queue uses 1000 as head', () => {
  assert.deepEqual(prependGreenfields(2000, 3, 1000), [1997, 1998, 1999]);
  assert.deepEqual(prependGreenfields(undefined, 2, 1000), [998, 999]);
  assert.deepEqual(prependGreenfields(-5, 2, 1000), [-7, -6]);
});

test('expiry boundary: claimed at T, running while S − T < 1200, expired from S − T = 1200', () => {
  const T = 1_700_000_000;
  const g = claimGreenfield(T, DELTA);
  const at = (S: number) => activeState({ greenfield: g }, markers(S, SOSW_LABOURER, DELTA));
  assert.equal(at(T), 'running');
  assert.equal(at(T + 1), 'running');
  assert.equal(at(T + 1199), 'running');
  assert.equal(at(T + 1199.99), 'running');
  assert.equal(at(T + 1200), 'expired');
  assert.equal(at(T + 5000), 'expired');
});

test('state classification: queued, completed, failed take precedence as in the scavenger', () => {
  const S = 1_700_000_000;
  const m = markers(S, SOSW_LABOURER, DELTA);
  assert.equal(activeState({ greenfield: 3000 }, m), 'queued');
  assert.equal(activeState({ greenfield: -4 }, m), 'queued');
  assert.equal(activeState({ greenfield: S - 1 }, m), 'queued');
  assert.equal(activeState({ greenfield: S }, m), 'expired');
  assert.equal(activeState({ greenfield: S + DELTA, completed_at: S }, m), 'completed');
  assert.equal(activeState({ greenfield: S - 5000 + DELTA, completed_at: S }, m), 'completed');
  assert.equal(activeState({ greenfield: S + DELTA, failed_at: S }, m), 'failed');
  assert.equal(activeState({ greenfield: S + DELTA - 10, completed_at: S, failed_at: S }, m), 'completed');
});

test('running / expired counts over fixture states (sosw §9.4 fixtures)', () => {
  const S = 2_000_000_000;
  const m = markers(S, SOSW_LABOURER, DELTA);
  const available = [10000, 11000, 12000].map((greenfield) => ({ greenfield }));
  const running = [1, 450, 900].map((ago) => ({ greenfield: S + DELTA - ago }));
  const expired = [1200, 5000, 10000].map((ago) => ({ greenfield: S + DELTA - ago }));
  const states = [...available, ...running, ...expired].map((t) => activeState(t, m));
  assert.equal(states.filter((s) => s === 'queued').length, 3);
  assert.equal(states.filter((s) => s === 'running').length, 3);
  assert.equal(states.filter((s) => s === 'expired').length, 3);
});
