// End to end through the deployed control plane in local mode: a workflow deployed with the CLI is
// listed, run and removed by the action router Lambda (the seed's `list`, `run` and `remove` JSON,
// invoked as an operator would), and the run is followed through its log lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLocalMode, type LocalModeHandle } from '../integration/harness/index.js';
import { resourcesOf, NO_RESOURCES } from '../integration/workflows/local.js';
import { invokeRouter } from '../../cli/lib/remote.js';
import { clients } from '../../shared/aws/clients.js';
import { resolveControlPlane, type WorkflowDeps } from '../../shared/workflows/env.js';
import { followRun } from '../../shared/workflows/follow.js';

let local: LocalModeHandle;
let deps: WorkflowDeps;
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
});
after(async () => local?.stop());

async function caribou(args: string[]) {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
    env: { ...process.env, ...local.env },
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

test('a workflow deployed with the CLI is listed, run and removed by the router Lambda', { timeout: 240_000 }, async () => {
  const id = 'small_sync_example-0.0.1';
  await caribou(['deploy', 'examples/small_sync_example']);

  assert.deepEqual(await invokeRouter({ action: 'list' }), { status: 200, workflows: [id] });

  const startedAt = new Date();
  const started = await invokeRouter({ action: 'run', workflow_id: id, argument: { execute_1: false, execute_2: false } });
  assert.equal(started.status, 200, JSON.stringify(started));
  assert.match(String(started.run_id), /^[0-9a-f]{32}$/);
  const report = await followRun(id, String(started.run_id), startedAt, { timeoutS: 90 }, deps);
  assert.equal(report.status, 'succeeded');
  // Truth table: execute_1 and execute_2 false → syncFunction is skipped, secondSyncFunction runs.
  assert.deepEqual(report.instances.map((i) => i.function).sort(), ['initial_function', 'secondSyncFunction']);

  const unknown = await invokeRouter({ action: 'run', workflow_id: 'nothing_here-1.0' });
  assert.equal(unknown.status, 404, JSON.stringify(unknown));

  assert.deepEqual(await invokeRouter({ action: 'remove', workflow_id: id }), { status: 200, message: `Workflow ${id} removal started` });
  assert.deepEqual(await resourcesOf('small_sync_example', id, deps), NO_RESOURCES);
  assert.deepEqual(await invokeRouter({ action: 'list' }), { status: 200, workflows: [] });
});

test('fan-out actions with nothing to fan out are accepted by the deployed router and create no task', async () => {
  // Every labourer is available; with no workflow deployed and nothing staged there is nothing to fan out.
  for (const payload of [{ action: 'log_sync' }, { action: 'manage_deployments' }, { action: 'run_deployment_migrator' }]) {
    const answer = await invokeRouter(payload);
    assert.equal(answer.status, 200, JSON.stringify(answer));
    assert.equal(answer.workflows, 0, JSON.stringify(answer));
  }
  const listing = JSON.parse(await caribou(['tasks', '--json'])) as { total: number; tasks: unknown[] };
  assert.equal(listing.total, 0);
  assert.deepEqual(listing.tasks, []);
});
