// The migrator deployed in local mode (the stack's Lambda behind the router, orchestrator, bus and
// its queue), across emulated regions: a staged plan moves map_reduce's mappers and reducers from
// us-east-1 to us-west-2 (`caribou run_deployment_migrator -r`), and the next run executes them
// there; a plan whose second region collides with a resource Caribou did not create is rolled back
// and leaves nothing behind; moving back home releases us-west-2, which is removed after the grace
// period; `caribou remove` then leaves nothing in any region.
import { physicalName } from '../../../shared/analysis/names.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { zipSync } from 'fflate';
import { CreateRoleCommand, DeleteRoleCommand } from '@aws-sdk/client-iam';
import {
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { eventually, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { resourcesOf, NO_RESOURCES } from '../workflows/local.js';
import { clients } from '../../../shared/aws/clients.js';
import { resolveControlPlane, type WorkflowDeps } from '../../../shared/workflows/env.js';
import { readPlacement, writePlacement } from '../../../shared/workflows/placement-store.js';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import type { PlacementPlan } from '../../../shared/contracts/placement.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { names } from '../../../shared/manifest/services.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';

const ID = 'map_reduce-0.0.1';
const P = 'map_reduce-0_0_1';
const HOME = 'aws:us-east-1';
const WEST = 'aws:us-west-2';
const GRACE_S = 8;
const MAPPERS = Array.from({ length: 6 }, (_, i) => `${P}-mapper:${P}-input_processor_0_${i}:${i + 1}`);
const REDUCERS = [`${P}-reducer:${P}-shuffler_7_0:13`, `${P}-reducer:${P}-shuffler_7_1:14`];
const SHUFFLER = `${P}-shuffler:sync:7`;
const OUTPUT = `${P}-output_processor:sync:15`;
/** Physical (data-plane) name: `<stack prefix>_<workflow>-<version_>-<function>_aws-<region>`. */
const physical = (fn: string, region: string) => physicalName(local.prefix, 'map_reduce', '0.0.1', fn, region);
const foreign = () => physical('output_processor', 'us-west-1');

let local: LocalModeHandle;
let deps: WorkflowDeps;
let migratorFn: string;
let migratorEnv: Record<string, string> = {};

async function caribou(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
    env: { ...process.env, ...local.env },
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

function planOf(placement: Record<string, string>): PlacementPlan {
  const hours = Array.from({ length: 24 }, (_, h) => h);
  return {
    expiry_time: new Date(Date.now() + 86_400_000).toISOString(),
    time_keys: hours,
    hours: Object.fromEntries(hours.map((h) => [String(h), placement])),
  };
}

async function stage(plan: PlacementPlan, task: string): Promise<void> {
  const staged: StagedPlan = {
    workflow_id: ID,
    staged_at: new Date().toISOString(),
    plan,
    solved_by_task: task,
    solver: { algorithm: 'coarse', calculator: 'simple', durationS: 0.1, evaluations: 1 },
    kept_home: [],
    candidate_regions: [HOME, WEST],
    expected: {
      plan: { average_carbon: 1, average_cost: 1, average_runtime: 1, tail_carbon: 1, tail_cost: 1, tail_runtime: 1 },
      home: { average_carbon: 2, average_cost: 1, average_runtime: 1, tail_carbon: 2, tail_cost: 1, tail_runtime: 1 },
    },
  };
  await clients.doc().send(new PutCommand({ TableName: physicalTableName(local.prefix, 'solver-staging'), Item: staged }));
}

const staged = async () =>
  (
    await clients
      .doc()
      .send(
        new GetCommand({ TableName: physicalTableName(local.prefix, 'solver-staging'), Key: { workflow_id: ID }, ConsistentRead: true }),
      )
  ).Item;
const record = async () =>
  (
    await clients
      .doc()
      .send(new GetCommand({ TableName: deps.controlPlane.workflowsTable, Key: { workflow_id: ID }, ConsistentRead: true }))
  ).Item as WorkflowRecord;
const placement = () => readPlacement(clients.doc(), deps.controlPlane.placementsTable, ID);

/** The workflow's resources in one region (IAM is global: roles are told apart by their region suffix). */
async function inRegion(region: string) {
  const r = await resourcesOf('map_reduce', ID, deps, region);
  return {
    functions: r.functions.sort(),
    mappings: r.mappings,
    queues: r.queues,
    roles: r.roles.filter((n) => n.includes(`_aws-${region}`)),
    tables: r.tables,
  };
}
const NOTHING = { functions: [], mappings: 0, queues: [], roles: [], tables: [] };

before(async () => {
  local = await startLocalMode({ withStack: true });
  await local.reset();
  deps = {
    controlPlane: await resolveControlPlane({ ...process.env, ...local.env }),
    clients,
    now: () => new Date(),
    progress: () => undefined,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  // A short grace period (the default is days): the deployed migrator reads it from its environment.
  migratorFn = names.function(local.prefix, 'migrator');
  migratorEnv =
    (await clients.lambda().send(new GetFunctionConfigurationCommand({ FunctionName: migratorFn }))).Environment?.Variables ?? {};
  await clients.lambda().send(
    new UpdateFunctionConfigurationCommand({
      FunctionName: migratorFn,
      Environment: { Variables: { ...migratorEnv, CARIBOU_MIGRATOR_CLEANUP_GRACE_S: String(GRACE_S) } },
    }),
  );
});

after(async () => {
  await clients
    .lambda()
    .send(new UpdateFunctionConfigurationCommand({ FunctionName: migratorFn, Environment: { Variables: migratorEnv } }))
    .catch(() => undefined);
  await clients
    .lambda('us-west-1')
    .send(new DeleteFunctionCommand({ FunctionName: foreign() }))
    .catch(() => undefined);
  await clients
    .iam()
    .send(new DeleteRoleCommand({ RoleName: 'foreign-test-role' }))
    .catch(() => undefined);
  await local?.stop();
});

test('a staged plan is applied by the deployed migrator and the next run executes the moved instances in the new region', {
  timeout: 420_000,
}, async () => {
  await caribou(['deploy', 'examples/map_reduce']);
  // Every run follows the plan (no share kept home), so the regions in the report are deterministic.
  await writePlacement(clients.doc(), deps.controlPlane.placementsTable, { ...(await placement()), home_run_ratio: 0 });

  const plan = planOf(Object.fromEntries([...MAPPERS, ...REDUCERS].map((i) => [i, WEST])));
  await stage(plan, 'solve-1');
  await caribou(['run_deployment_migrator', '-r']);
  const wpd = await eventually(
    async () => {
      const doc = await placement();
      assert.deepEqual(doc.current_deployment, plan);
      return doc;
    },
    { timeoutMs: 240_000, intervalMs: 2000 },
  );
  assert.equal(wpd.version, 1, 'one conditional publish');
  assert.equal(await staged(), undefined, 'the staging entry is deleted');
  const west = await inRegion('us-west-2');
  assert.deepEqual(west.functions, [physical('mapper', 'us-west-2'), physical('reducer', 'us-west-2')]);
  assert.equal(west.mappings, 2);
  assert.equal(west.queues.length, 4, 'queue + DLQ each');
  assert.equal(west.roles.length, 2);
  assert.deepEqual(west.tables, [], 'the state table stays home (ADR 0400)');
  assert.ok(wpd.endpoints.mapper?.[WEST]?.queue_url);
  const rec = await record();
  assert.ok(rec.deployed_regions.reducer?.[WEST]?.deployed_at);
  assert.equal(rec.migrator_lock, undefined);

  const words = Array.from({ length: 30 }, (_, i) => `w${i % 7}`).join(' ');
  const report = JSON.parse(await caribou(['run', ID, '-a', JSON.stringify({ text: words }), '--wait', '--json'])) as {
    status: string;
    instances: { function: string; region: string }[];
  };
  assert.equal(report.status, 'succeeded', JSON.stringify(report));
  const regions = new Map<string, Set<string>>();
  for (const i of report.instances) regions.set(i.function, (regions.get(i.function) ?? new Set()).add(i.region));
  assert.deepEqual([...regions.get('mapper')!], [WEST]);
  assert.deepEqual([...regions.get('reducer')!], [WEST]);
  for (const fn of ['input_processor', 'shuffler', 'output_processor']) assert.deepEqual([...regions.get(fn)!], [HOME], fn);
  assert.equal(report.instances.filter((i) => i.function === 'reducer').length, 2);
});

test('a migration whose second region collides with a foreign resource is rolled back: old plan kept, nothing orphaned', {
  timeout: 300_000,
}, async () => {
  const before = await placement();
  // Something Caribou did not create holds output_processor's name in us-west-1.
  const role = await clients.iam().send(
    new CreateRoleCommand({
      RoleName: 'foreign-test-role',
      AssumeRolePolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
      }),
    }),
  );
  await clients.lambda('us-west-1').send(
    new CreateFunctionCommand({
      FunctionName: foreign(),
      Runtime: 'nodejs20.x',
      Handler: 'index.handler',
      Role: role.Role!.Arn!,
      Code: { ZipFile: zipSync({ 'index.mjs': new TextEncoder().encode('export const handler = async () => 1;') }) },
      Description: "someone else's",
    }),
  );
  // ca-central-1 (shuffler) is deployed and checked first, then us-west-1 (output_processor) fails.
  await stage(planOf({ [SHUFFLER]: 'aws:ca-central-1', [OUTPUT]: 'aws:us-west-1' }), 'solve-2');
  await caribou(['run_deployment_migrator', '-r']);
  await eventually(async () => assert.equal(await staged(), undefined, 'a plan that can never apply is dropped'), {
    timeoutMs: 240_000,
    intervalMs: 2000,
  });
  const rec = await record();
  assert.match(rec.migrator?.last_outcome ?? '', /rolled back; the staged plan was rejected/);
  assert.match(rec.migrator?.last_detail ?? '', /not created by Caribou/);
  assert.deepEqual(rec.migrator?.orphans, []);
  assert.deepEqual(Object.keys(rec.deployed_regions.shuffler!), [HOME]);
  const after = await placement();
  assert.deepEqual(after.current_deployment, before.current_deployment, 'the old plan stays active');
  assert.equal(after.version, before.version);
  assert.deepEqual(await inRegion('ca-central-1'), NOTHING, 'what the attempt created in ca-central-1 is gone');
  assert.deepEqual(
    await inRegion('us-west-1'),
    { ...NOTHING, functions: [foreign()] },
    'the foreign function is untouched, nothing else is there',
  );
  await eventually(
    async () => {
      const listing = JSON.parse(await caribou(['tasks', '--labourer', 'migrator', '--json'])) as {
        tasks: { state: string; last_error?: string }[];
      };
      assert.ok(
        listing.tasks.some((t) => ['failed', 'dead'].includes(t.state) && /not created by Caribou/.test(t.last_error ?? '')),
        JSON.stringify(listing.tasks),
      );
    },
    { timeoutMs: 120_000, intervalMs: 3000 },
  );
});

test('moving back home releases us-west-2; after the grace period its functions, queues and roles are removed; remove leaves nothing', {
  timeout: 420_000,
}, async () => {
  const home = planOf(Object.fromEntries([...MAPPERS, ...REDUCERS].map((i) => [i, HOME])));
  await stage(home, 'solve-3');
  await caribou(['run_deployment_migrator', '-r']);
  await eventually(async () => assert.deepEqual((await placement()).current_deployment, home), { timeoutMs: 240_000, intervalMs: 2000 });
  const rec = await record();
  const releasedAt = rec.deployed_regions.mapper?.[WEST]?.released_at;
  assert.ok(releasedAt, 'released, not removed yet: runs started before may still send there');
  assert.ok(rec.cleanup_due_at && Date.parse(rec.cleanup_due_at) === Date.parse(releasedAt) + GRACE_S * 1000);
  assert.equal((await inRegion('us-west-2')).functions.length, 2);

  await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(rec.cleanup_due_at!) - Date.now()) + 500));
  await caribou(['run_deployment_migrator', '-r']); // the router fans out to workflows with clean-up due
  await eventually(
    async () => {
      assert.deepEqual(await inRegion('us-west-2'), NOTHING);
    },
    { timeoutMs: 240_000, intervalMs: 2000 },
  );
  const cleaned = await record();
  assert.deepEqual(Object.keys(cleaned.deployed_regions.mapper!), [HOME]);
  assert.equal(cleaned.cleanup_due_at, undefined);
  const wpd = await placement();
  assert.deepEqual(Object.keys(wpd.endpoints.mapper!), [HOME]);
  assert.equal((await inRegion('us-east-1')).functions.length, 5, 'home untouched');

  await caribou(['remove', ID]);
  for (const region of ['us-east-1', 'us-west-2', 'ca-central-1'])
    assert.deepEqual(await resourcesOf('map_reduce', ID, deps, region), NO_RESOURCES, region);
});
