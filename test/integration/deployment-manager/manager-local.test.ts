// The deployment manager deployed in local mode (the stack's router, orchestrator and
// deployment-manager Lambdas, their queues and rules): a workflow deployed with the CLI, the
// collectors' documents seeded per the contract (another allowed region much greener than home),
// then `caribou manage_deployments -r` → check_workflow → run_deployment_algorithm → a staged plan
// naming the greener region and the bookkeeping on the workflow's item; `caribou plan` shows both,
// and `caribou solve --collected` plans from the same documents.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { eventually, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { clients } from '../../../shared/aws/clients.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';
import type { StagedPlan, DeploymentManagerState } from '../../../shared/contracts/staged-plan.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { regionDocs, workflowDocFromDag, type FixtureRegion } from '../../fixtures/collected.js';

const HOME = 'aws:us-east-1';
const GREEN = 'aws:ca-central-1';
const REGIONS: FixtureRegion[] = [
  { key: HOME, ci: 400 },
  { key: GREEN, ci: 30 },
  { key: 'aws:us-west-2', ci: 250 },
  // Greenest of all, but the workflow does not allow it.
  { key: 'aws:eu-north-1', ci: 20 },
];
const ID = 'small_sync_example-0.0.1';

let local: LocalModeHandle;
const table = (id: Parameters<typeof physicalTableName>[1]) => physicalTableName(local.prefix, id);

before(async () => {
  local = await startLocalMode({ withStack: true });
  await local.reset();
});
after(async () => local?.stop());

async function caribou(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
    env: { ...process.env, ...local.env },
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

async function seedCollectedData(record: WorkflowRecord): Promise<void> {
  const docs = regionDocs(REGIONS);
  const today = new Date().toISOString().slice(0, 10);
  const workflow = workflowDocFromDag(record.dag, HOME, [HOME, GREEN, 'aws:us-west-2'], {
    algorithm: 'stochastic',
    runtimeSamplesS: [2, 3, 4],
    dailyInvocationCounts: { [today]: 50 },
  });
  const put = (table_name: string, key: string, document: unknown) =>
    clients.doc().send(new PutCommand({ TableName: table('collector-data'), Item: { table_name, key, document } }));
  for (const d of docs.regions) await put('regions', d.region_key, d);
  for (const d of docs.provider) await put('provider', d.region_key, d);
  for (const d of docs.carbon) await put('carbon', d.region_key, d);
  for (const d of docs.performance) await put('performance', d.region_key, d);
  await put('workflow', ID, workflow);
}

test('manage_deployments -r stages a plan in the greener allowed region and records the bookkeeping', { timeout: 600_000 }, async () => {
  await caribou(['deploy', 'examples/small_sync_example']);
  const record = (await clients.doc().send(new GetCommand({ TableName: table('workflows'), Key: { workflow_id: ID } })))
    .Item as WorkflowRecord;
  assert.equal(record.home_region, HOME);
  await seedCollectedData(record);

  // Same documents, solved by the CLI in-process.
  const solved = JSON.parse(
    await caribou(['solve', '--collected', '--workflow-id', ID, '--hours', '0', '--calculator', 'simple', '--json']),
  ) as { hours: Record<string, { placement: Record<string, string> }> };
  assert.ok(Object.values(solved.hours['0']!.placement).includes(GREEN), JSON.stringify(solved.hours['0']));

  await caribou(['manage_deployments', '-r']);
  const staged = await eventually(
    async () => {
      const item = (await clients.doc().send(new GetCommand({ TableName: table('solver-staging'), Key: { workflow_id: ID } }))).Item as
        | StagedPlan
        | undefined;
      assert.ok(item, 'a plan is staged');
      return item;
    },
    { timeoutMs: 300_000, intervalMs: 2_000 },
  );
  const instances = Object.keys(record.dag.instances);
  // Income 185 g/kWh spread (400, 30 within reach; us-west-2 is 1,000 km away too: σ of 400, 30, 250)
  // is ample for 24 stochastic solves a day.
  assert.deepEqual(
    staged.plan.time_keys,
    Array.from({ length: 24 }, (_, h) => h),
  );
  for (const h of staged.plan.time_keys) {
    const placement = staged.plan.hours[String(h)]!;
    assert.deepEqual(Object.keys(placement).sort(), [...instances].sort());
    assert.ok(
      Object.values(placement).every((r) => r === GREEN),
      `hour ${h}: ${JSON.stringify(placement)}`,
    );
  }
  assert.equal(staged.solver.algorithm, 'stochastic');
  assert.equal(staged.solver.calculator, 'simple');
  assert.deepEqual(staged.candidate_regions, [GREEN, HOME, 'aws:us-west-2']);
  assert.ok(staged.expected.plan.average_carbon < staged.expected.home.average_carbon / 5, JSON.stringify(staged.expected));
  assert.deepEqual(staged.kept_home, []);

  const state = await eventually(async () => {
    const item = (await clients.doc().send(new GetCommand({ TableName: table('workflows'), Key: { workflow_id: ID } }))).Item as {
      deployment_manager?: DeploymentManagerState;
    };
    assert.ok(item.deployment_manager?.last_solved_at, 'bookkeeping written after the plan');
    return item.deployment_manager;
  }, 30_000);
  assert.equal(state.last_decision?.outcome, 'solved');
  assert.equal(state.next_check_at, staged.plan.expiry_time);
  assert.ok(state.tokens_left_gCO2e > 0 && Number.isInteger(state.tokens_left_gCO2e));
  assert.equal(state.runs_at_last_solve, 50);

  const text = await caribou(['plan', ID]);
  assert.match(text, /current plan: none, every instance runs at home/);
  assert.match(text, /staged plan \(solved .*stochastic\/simple/);
  assert.match(text, new RegExp(`0-23\\s+\\S+\\s+${GREEN}`));
  assert.match(text, /carbon, gCO2e\s+\S+\s+\S+\s+-\d+\.\d%/);
  assert.match(text, new RegExp(`tokens left\\s+${state.tokens_left_gCO2e} gCO2e`));
  const json = JSON.parse(await caribou(['plan', ID, '--json'])) as { staged: StagedPlan; deployment_manager: DeploymentManagerState };
  assert.equal(json.staged.plan.expiry_time, staged.plan.expiry_time);
  assert.equal(json.deployment_manager.last_solved_at, state.last_solved_at);

  // A second manage_deployments before next_check_at changes nothing.
  await caribou(['manage_deployments', '-r']);
  await eventually(
    async () => {
      const tasks = JSON.parse(await caribou(['tasks', '--labourer', 'deployment-manager', '--json'])) as {
        tasks: Array<{ type: string; state: string }>;
      };
      const checks = tasks.tasks.filter((t) => t.type === 'check_workflow');
      assert.equal(checks.length, 2);
      assert.ok(
        checks.every((t) => t.state === 'completed'),
        JSON.stringify(checks),
      );
    },
    { timeoutMs: 120_000, intervalMs: 2_000 },
  );
  const after = (await clients.doc().send(new GetCommand({ TableName: table('workflows'), Key: { workflow_id: ID } }))).Item as {
    deployment_manager: DeploymentManagerState;
  };
  assert.equal(after.deployment_manager.last_solved_at, state.last_solved_at);
  await caribou(['remove', ID]);
});
