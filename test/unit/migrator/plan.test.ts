import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alreadyPublished, functionRegionsOf, missingDeployments, validatePlan } from '../../../services/migrator/core/plan.js';
import { decideCleanup } from '../../../services/migrator/core/cleanup.js';
import { A, B, C, CA, HOME, INSTANCES, WEST, makePlacement, makeRecord, resourcesFor, stagedPlan } from './fakes.js';

test('the plan diff lists each (function, region) once and only those not deployed outside home', () => {
  const record = makeRecord();
  const plan = stagedPlan({ [A]: HOME, [B]: WEST, [C]: CA }).plan;
  plan.hours['12'] = { [A]: HOME, [B]: CA, [C]: CA };
  assert.deepEqual(functionRegionsOf(plan, INSTANCES), [
    { fn: 'b', region: CA },
    { fn: 'c', region: CA },
    { fn: 'a', region: HOME },
    { fn: 'b', region: WEST },
  ]);
  record.deployed_regions.b![WEST] = resourcesFor('b', WEST);
  assert.deepEqual(missingDeployments(plan, INSTANCES, HOME, record.deployed_regions), [
    { fn: 'b', region: CA },
    { fn: 'c', region: CA },
  ]);
});

test('a plan with unknown instances, malformed or disallowed regions, or inconsistent hours is refused', () => {
  const record = makeRecord();
  const wpd = makePlacement(record);
  validatePlan(stagedPlan({ [A]: HOME, [B]: WEST }).plan, record, wpd);
  assert.throws(() => validatePlan(stagedPlan({ 'wf-0_0_1-zz:entry_point:0': WEST }).plan, record, wpd), /is not an instance of wf-0.0.1/);
  assert.throws(() => validatePlan(stagedPlan({ [B]: 'us-west-2' }).plan, record, wpd), /is not a region key/);
  assert.throws(() => validatePlan(stagedPlan({ [B]: 'aws:eu-west-1' }).plan, record, wpd), /function b may not run in aws:eu-west-1/);
  record.function_descriptions[1]!.allowed_regions = [{ provider: 'aws', region: 'ca-central-1' }];
  assert.throws(() => validatePlan(stagedPlan({ [B]: WEST }).plan, record, wpd), /function b may not run in aws:us-west-2/);
  const expired = stagedPlan({ [B]: WEST }, { expiry: '2026-01-01T00:00:00.000Z' }).plan;
  assert.throws(
    () => validatePlan(expired, record, wpd, new Date('2026-01-02T00:00:00.000Z')),
    /expired at 2026-01-01T00:00:00.000Z, before it could be applied/,
  );
  const inconsistent = stagedPlan({ [A]: HOME }).plan;
  inconsistent.time_keys = [0];
  assert.throws(() => validatePlan(inconsistent, record, wpd), /time_keys \[0\] differ from the plan's hours \[0,12\]/);
});

test('a plan already in the document with every endpoint counts as published', () => {
  const record = makeRecord();
  const wpd = makePlacement(record);
  const plan = stagedPlan({ [B]: WEST }).plan;
  assert.equal(alreadyPublished(wpd, plan, [{ fn: 'b', region: WEST }]), false);
  wpd.current_deployment = plan;
  assert.equal(alreadyPublished(wpd, plan, [{ fn: 'b', region: WEST }]), false, 'endpoint missing');
  wpd.endpoints.b![WEST] = { queue_url: 'q', function_arn: 'f' };
  assert.equal(alreadyPublished(wpd, plan, [{ fn: 'b', region: WEST }]), true);
});

test('clean-up: home is never removed, a used pair is kept, a released one goes after the grace period', () => {
  const deployed = makeRecord().deployed_regions;
  deployed.a![HOME]!.released_at = '2026-01-01T00:00:00.000Z'; // even marked, home stays
  deployed.b![WEST] = resourcesFor('b', WEST);
  deployed.c![CA] = { ...resourcesFor('c', CA), released_at: '2026-01-01T00:00:00.000Z' };
  deployed.b![CA] = { ...resourcesFor('b', CA), released_at: '2026-01-01T00:30:00.000Z' };
  const plan = stagedPlan({ [B]: WEST }).plan;
  const decision = decideCleanup({
    deployed,
    home: HOME,
    plan,
    instanceFunctions: INSTANCES,
    now: new Date('2026-01-01T01:00:00.000Z'),
    graceS: 3600,
  });
  assert.deepEqual(decision.remove, [{ fn: 'c', region: CA }]);
  assert.equal(decision.releasedAt.has(`b@${WEST}`), false, 'in use');
  assert.equal(decision.releasedAt.get(`b@${CA}`), '2026-01-01T00:30:00.000Z');
  assert.equal(decision.nextDueAt, '2026-01-01T01:30:00.000Z');
});

test('clean-up: a pair never marked is released now; a pair of an expired plan is unused since the expiry', () => {
  const deployed = makeRecord().deployed_regions;
  deployed.b![WEST] = resourcesFor('b', WEST);
  deployed.c![CA] = resourcesFor('c', CA);
  const plan = stagedPlan({ [B]: WEST }, { expiry: '2026-01-01T00:00:00.000Z' }).plan;
  const now = new Date('2026-01-01T00:40:00.000Z');
  const decision = decideCleanup({ deployed, home: HOME, plan, instanceFunctions: INSTANCES, now, graceS: 1800 });
  assert.deepEqual(decision.remove, [{ fn: 'b', region: WEST }]);
  assert.equal(decision.releasedAt.get(`c@${CA}`), now.toISOString());
  assert.equal(decision.nextDueAt, '2026-01-01T01:10:00.000Z');
});
