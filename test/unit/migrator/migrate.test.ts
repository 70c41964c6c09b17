import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MigrationRejectedError, isRetryable, reDeployWorkflow } from '../../../services/migrator/core/migrate.js';
import { TransientError, ValidationError } from '../../../shared/errors.js';
import { A, B, C, CA, HOME, ID, WEST, FakeDeployer, MemoryStore, makeRecord, migratorDeps, resourcesFor, stagedPlan } from './fakes.js';

const awsError = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, $metadata: status === undefined ? {} : { httpStatusCode: status } });

function setup(graceS = 3600) {
  const store = new MemoryStore(makeRecord());
  const deployer = new FakeDeployer();
  const clock = { now: new Date('2026-01-01T01:00:00.000Z') };
  return { store, deployer, clock, deps: migratorDeps(store, deployer, clock, graceS) };
}

test('a staged plan is deployed, checked, published in one conditional write, recorded, and unstaged', async () => {
  const { store, deployer, deps } = setup();
  store.staged = stagedPlan({ [A]: HOME, [B]: WEST, [C]: CA });
  const outcome = await reDeployWorkflow(ID, deps);
  assert.deepEqual(outcome.deployed, [`c@${CA}`, `b@${WEST}`], 'in region order');
  assert.deepEqual(deployer.calls, [`deploy c@${CA}`, `health c@${CA}`, `deploy b@${WEST}`, `health b@${WEST}`]);
  assert.equal(store.publishes, 1);
  assert.deepEqual(store.placement.current_deployment, stagedPlan({ [A]: HOME, [B]: WEST, [C]: CA }).plan);
  assert.equal(store.placement.endpoints.b![WEST]!.queue_url, resourcesFor('b', WEST).queue_url);
  assert.equal(store.placement.version, 1);
  assert.equal(store.record!.deployed_regions.c![CA]!.deployed_at, '2026-01-01T01:00:00.000Z');
  assert.equal(store.staged, undefined);
  assert.equal(store.record!.migrator_lock, undefined, 'lease released');
  assert.equal(store.record!.migrator!.last_outcome, 'published');
});

test('a duplicated task converges: nothing is deployed or published twice', async () => {
  const { store, deployer, deps } = setup();
  store.staged = stagedPlan({ [B]: WEST });
  await reDeployWorkflow(ID, deps);
  const recordAfter = structuredClone(store.record);
  deployer.calls.length = 0;
  const again = await reDeployWorkflow(ID, deps);
  assert.equal(again.published, false);
  assert.deepEqual(deployer.calls, []);
  assert.equal(store.publishes, 1);
  assert.deepEqual(store.record!.deployed_regions, recordAfter!.deployed_regions);
  // The same plan staged again (the task retried after a crash before unstaging) is not re-published.
  store.staged = stagedPlan({ [B]: WEST });
  const replay = await reDeployWorkflow(ID, deps);
  assert.equal(replay.published, true);
  assert.deepEqual(replay.reused, [`b@${WEST}`]);
  assert.equal(store.publishes, 1);
  assert.equal(store.staged, undefined);
});

test('an attempt that crashed after recording but before publishing is reused after a health check', async () => {
  const { store, deployer, deps } = setup();
  store.record!.deployed_regions.b![WEST] = { ...resourcesFor('b', WEST), deployed_at: '2026-01-01T00:00:00.000Z' };
  deployer.cloud.set(`b@${WEST}`, 'ours');
  store.staged = stagedPlan({ [B]: WEST });
  const outcome = await reDeployWorkflow(ID, deps);
  assert.deepEqual(deployer.calls, [`health b@${WEST}`]);
  assert.deepEqual(outcome.reused, [`b@${WEST}`]);
  assert.equal(store.placement.endpoints.b![WEST]!.function_arn, resourcesFor('b', WEST).function_arn);
});

test('leftovers of an attempt that crashed before recording anything are removed, then deployed afresh', async () => {
  const { store, deployer, deps } = setup();
  deployer.cloud.set(`b@${WEST}`, 'ours');
  store.staged = stagedPlan({ [B]: WEST });
  await reDeployWorkflow(ID, deps);
  assert.deepEqual(deployer.calls, [`remove b@${WEST}`, `deploy b@${WEST}`, `health b@${WEST}`]);
  assert.equal(store.publishes, 1);
});

test('rollback: when the second region fails its health check, the first is removed and the old plan stays (retryable)', async () => {
  const { store, deployer, deps } = setup();
  const oldPlan = stagedPlan({ [A]: HOME }).plan;
  store.placement.current_deployment = oldPlan;
  deployer.failHealth.set(`b@${WEST}`, awsError('TooManyRequestsException', 429));
  store.staged = stagedPlan({ [B]: WEST, [C]: CA });
  await assert.rejects(reDeployWorkflow(ID, deps), (error: Error) => error instanceof TransientError && /rolled back/.test(error.message));
  assert.deepEqual(deployer.calls, [
    `deploy c@${CA}`,
    `health c@${CA}`,
    `deploy b@${WEST}`,
    `health b@${WEST}`,
    `remove b@${WEST}`,
    `remove c@${CA}`,
  ]);
  assert.equal(deployer.cloud.size, 0, 'nothing of this attempt is left');
  assert.deepEqual(store.placement.current_deployment, oldPlan);
  assert.equal(store.publishes, 0);
  assert.deepEqual(Object.keys(store.record!.deployed_regions.c!), [HOME]);
  assert.ok(store.staged, 'a retryable failure keeps the plan staged');
  assert.match(store.record!.migrator!.last_outcome!, /rolled back; the plan stays staged/);
  // The retry succeeds once the region answers.
  deployer.failHealth.clear();
  await reDeployWorkflow(ID, deps);
  assert.equal(store.publishes, 1);
});

test('a name taken by something Caribou did not create rejects the plan: rollback, unstaged, the foreign resource untouched', async () => {
  const { store, deployer, deps } = setup();
  deployer.cloud.set(`b@${WEST}`, 'foreign');
  store.staged = stagedPlan({ [B]: WEST, [C]: CA });
  await assert.rejects(
    reDeployWorkflow(ID, deps),
    (error: Error) => error instanceof MigrationRejectedError && /not made by Caribou/.test(error.message),
  );
  assert.deepEqual(deployer.calls, [`deploy c@${CA}`, `health c@${CA}`, `remove c@${CA}`]);
  assert.deepEqual([...deployer.cloud], [[`b@${WEST}`, 'foreign']]);
  assert.equal(store.staged, undefined, 'a plan that can never apply is not retried forever');
  assert.equal(store.placement.current_deployment, undefined);
});

test('an invalid plan is rejected before anything is created', async () => {
  const { store, deployer, deps } = setup();
  store.staged = stagedPlan({ [B]: 'aws:eu-west-1' });
  await assert.rejects(reDeployWorkflow(ID, deps), MigrationRejectedError);
  assert.deepEqual(deployer.calls, []);
  assert.equal(store.staged, undefined);
});

test('a rollback that cannot remove a deployment records an orphan, which a later task removes', async () => {
  const { store, deployer, deps } = setup();
  deployer.failDeploy.set(`b@${WEST}`, awsError('AccessDeniedException', 403));
  deployer.failRemove.set(`b@${WEST}`, awsError('ServiceException', 500));
  store.staged = stagedPlan({ [B]: WEST });
  await assert.rejects(reDeployWorkflow(ID, deps), MigrationRejectedError);
  assert.deepEqual(store.record!.migrator!.orphans, [{ function: 'b', region: WEST, since: '2026-01-01T01:00:00.000Z' }]);
  assert.equal(store.record!.cleanup_due_at, '2026-01-01T01:00:00.000Z', 'the router fans out to it again');
  deployer.failRemove.clear();
  const outcome = await reDeployWorkflow(ID, deps);
  assert.deepEqual(outcome.removed, [`b@${WEST}`]);
  assert.deepEqual(store.record!.migrator!.orphans, []);
  assert.equal(store.record!.cleanup_due_at, undefined);
  assert.equal(deployer.cloud.size, 0);
});

test('a publish conflict is retryable; the retry converges', async () => {
  const { store, deployer, deps } = setup();
  store.staged = stagedPlan({ [B]: WEST });
  store.conflictOnce = true;
  await assert.rejects(reDeployWorkflow(ID, deps), TransientError);
  assert.equal(deployer.cloud.size, 0);
  await reDeployWorkflow(ID, deps);
  assert.equal(store.placement.current_deployment?.hours['0']?.[B], WEST);
});

test('one task per workflow: a held lease makes another task retry later', async () => {
  const { store, deps, clock } = setup();
  store.record!.migrator_lock = { owner: 'someone', until_ms: clock.now.getTime() + 60_000 };
  store.staged = stagedPlan({ [B]: WEST });
  await assert.rejects(reDeployWorkflow(ID, deps), /another migrator task is working on/);
  clock.now = new Date(clock.now.getTime() + 120_000); // the holder died: its lease lapses
  await reDeployWorkflow(ID, deps);
  assert.equal(store.publishes, 1);
});

test('moving back home releases the region, which is removed only after the grace period; home stays', async () => {
  const { store, deployer, deps, clock } = setup(3600);
  store.staged = stagedPlan({ [B]: WEST }, { task: 't1' });
  await reDeployWorkflow(ID, deps);
  clock.now = new Date('2026-01-01T02:00:00.000Z');
  store.staged = stagedPlan({ [B]: HOME }, { task: 't2' });
  const back = await reDeployWorkflow(ID, deps);
  assert.deepEqual(back.removed, []);
  assert.equal(store.record!.deployed_regions.b![WEST]!.released_at, '2026-01-01T02:00:00.000Z');
  assert.equal(store.record!.cleanup_due_at, '2026-01-01T03:00:00.000Z');
  assert.ok(store.placement.endpoints.b![WEST], 'in-flight runs may still use it');

  clock.now = new Date('2026-01-01T02:59:00.000Z');
  assert.deepEqual((await reDeployWorkflow(ID, deps)).removed, []);
  clock.now = new Date('2026-01-01T03:00:00.000Z');
  const cleaned = await reDeployWorkflow(ID, deps);
  assert.deepEqual(cleaned.removed, [`b@${WEST}`]);
  assert.equal(deployer.cloud.size, 0);
  assert.equal(store.placement.endpoints.b![WEST], undefined);
  assert.deepEqual(Object.keys(store.record!.deployed_regions.b!), [HOME]);
  assert.equal(store.record!.cleanup_due_at, undefined);
  assert.ok(!deployer.calls.some((c) => c.includes(HOME)), 'nothing at home is ever touched');
});

test('a removed workflow: the task drops its staged plan and succeeds', async () => {
  const { store, deployer, deps } = setup();
  store.record = undefined;
  store.staged = stagedPlan({ [B]: WEST });
  const outcome = await reDeployWorkflow(ID, deps);
  assert.equal(outcome.note, 'workflow is not deployed');
  assert.equal(store.staged, undefined);
  assert.deepEqual(deployer.calls, []);
});

test('failures are classified: throttling, 5xx and network retry; bad input and 4xx do not', () => {
  assert.equal(isRetryable(new TransientError('x')), true);
  assert.equal(isRetryable(awsError('ThrottlingException', 400)), true);
  assert.equal(isRetryable(awsError('ServiceUnavailable', 503)), true);
  assert.equal(isRetryable(new Error('socket hang up')), true);
  assert.equal(isRetryable(new ValidationError('x')), false);
  assert.equal(isRetryable(awsError('AccessDeniedException', 403)), false);
  assert.equal(isRetryable(awsError('InvalidParameterValueException', 400)), false);
});

test('an AWS failure outside the deployment (reading the record) is reported retryable when a retry may succeed', async () => {
  const { store, deps } = setup();
  store.getRecord = async () => {
    throw awsError('ProvisionedThroughputExceededException', 400);
  };
  await assert.rejects(reDeployWorkflow(ID, deps), TransientError);
});

test('a task killed half-way (timeout) leaves the pairs that answered recorded; the retry reuses them', async () => {
  const { store, deployer, deps, clock } = setup();
  store.staged = stagedPlan({ [B]: WEST, [C]: CA });
  // The process dies while deploying the second pair: that call never returns, no rollback runs.
  let stuck!: () => void;
  const reachedSecond = new Promise<void>((resolve) => (stuck = resolve));
  deployer.deploy = async function (this: FakeDeployer, record, fr) {
    if (fr.region !== WEST) return FakeDeployer.prototype.deploy.call(this, record, fr);
    this.calls.push(`deploy ${fr.fn}@${fr.region}`);
    this.cloud.set(`${fr.fn}@${fr.region}`, 'ours');
    stuck();
    return new Promise(() => undefined);
  };
  void reDeployWorkflow(ID, deps);
  await reachedSecond;
  assert.ok(store.record!.deployed_regions.c![CA], 'the first pair is on the record');
  assert.equal(store.publishes, 0);
  // The retry, once the dead task's lease lapsed: reuses c@CA after a health check, cleans b@WEST's leftovers.
  clock.now = new Date(clock.now.getTime() + 961_000);
  deployer.deploy = FakeDeployer.prototype.deploy;
  deployer.calls.length = 0;
  const outcome = await reDeployWorkflow(ID, deps);
  assert.deepEqual(outcome.reused, [`c@${CA}`]);
  assert.deepEqual(deployer.calls, [`health c@${CA}`, `remove b@${WEST}`, `deploy b@${WEST}`, `health b@${WEST}`]);
  assert.equal(store.publishes, 1);
  assert.equal(store.placement.current_deployment?.hours['0']?.[B], WEST);
});
