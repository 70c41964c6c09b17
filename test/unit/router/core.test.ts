import { test } from 'node:test';
import assert from 'node:assert/strict';
import { routeAction } from '../../../services/action-router/core.js';
import { TransientError } from '../../../shared/errors.js';
import { MAX_INTERNAL_HOPS } from '../../../shared/contracts/internal.js';
import { SEED_ACTIONS } from '../../fixtures/seed-actions.js';
import { RecordingDispatcher, fakeDeps } from './fakes.js';

const ALL_LABOURERS = ['log-syncer', 'data-collectors', 'deployment-manager', 'migrator'] as const;

test('version and list answer from the injected data', async () => {
  assert.deepEqual(await routeAction(SEED_ACTIONS.version, fakeDeps()), { status: 200, version: '9.9.9' });
  assert.deepEqual(await routeAction(SEED_ACTIONS.list, fakeDeps()), { status: 200, workflows: ['a_flow-0.0.2', 'b_flow-0.0.1'] });
});

test('every seed payload gets an answer that is neither a 400 nor a crash', async () => {
  for (const [name, payload] of Object.entries(SEED_ACTIONS)) {
    const answer = await routeAction(payload, fakeDeps());
    assert.ok([200, 501].includes(answer.status), `${name}: ${JSON.stringify(answer)}`);
  }
});

test('actions of services not built yet answer 501, never a fake success', async () => {
  const dispatcher = new RecordingDispatcher();
  for (const name of ['log_sync', 'manage_deployments', 'run_deployment_migrator', 'data_collect_all', 'internal_sync_workflow'] as const) {
    const answer = await routeAction(SEED_ACTIONS[name], fakeDeps({ dispatcher }));
    assert.equal(answer.status, 501, name);
    assert.match(String(answer.message), /is not available yet$/);
  }
  assert.deepEqual(await routeAction(SEED_ACTIONS.run, fakeDeps()), { status: 501, message: 'run is not available yet' });
  assert.equal(dispatcher.items.length, 0, 'nothing may be dispatched for an unavailable service');
});

test('log_sync fans out one sync_workflow work item per deployed workflow', async () => {
  const dispatcher = new RecordingDispatcher();
  const answer = await routeAction(SEED_ACTIONS.log_sync, fakeDeps({ dispatcher, available: [...ALL_LABOURERS] }));
  assert.deepEqual(answer, { status: 200, message: 'Log sync started', workflows: 2 });
  assert.deepEqual(dispatcher.items, [
    { type: 'sync_workflow', event: { workflow_id: 'b_flow-0.0.1' }, parent: { root_id: 'root-1', hop: 0 } },
    { type: 'sync_workflow', event: { workflow_id: 'a_flow-0.0.2' }, parent: { root_id: 'root-1', hop: 0 } },
  ]);
});

test('manage_deployments carries the calculator type; the migrator fans out over staged workflows', async () => {
  const dispatcher = new RecordingDispatcher();
  const deps = fakeDeps({ dispatcher, available: [...ALL_LABOURERS] });
  const answer = await routeAction({ action: 'manage_deployments', deployment_metrics_calculator_type: 'go' }, deps);
  assert.equal(answer.message, 'Deployment check started, using go calculator');
  assert.deepEqual(
    dispatcher.items.map((i) => i.event),
    [
      { workflow_id: 'b_flow-0.0.1', deployment_metrics_calculator_type: 'go' },
      { workflow_id: 'a_flow-0.0.2', deployment_metrics_calculator_type: 'go' },
    ],
  );
  dispatcher.items.length = 0;
  await routeAction(SEED_ACTIONS.run_deployment_migrator, deps);
  assert.deepEqual(
    dispatcher.items.map((i) => [i.type, i.event]),
    [['re_deploy_workflow', { workflow_id: 'a_flow-0.0.2' }]],
  );
});

test('data_collect all dispatches provider, carbon, performance in order (not workflow)', async () => {
  const dispatcher = new RecordingDispatcher();
  const answer = await routeAction(SEED_ACTIONS.data_collect_all, fakeDeps({ dispatcher, available: [...ALL_LABOURERS] }));
  assert.deepEqual(answer, { status: 200, scheduled_collector: 'all', workflow_id: null });
  assert.deepEqual(
    dispatcher.items.map((i) => i.event),
    [{ collector: 'provider' }, { collector: 'carbon' }, { collector: 'performance' }],
  );
});

test('a seed internal_action becomes a task for its labourer, with numeric solve hours', async () => {
  const dispatcher = new RecordingDispatcher();
  const answer = await routeAction(
    {
      ...SEED_ACTIONS.internal_run_deployment_algorithm,
      event: { ...(SEED_ACTIONS.internal_run_deployment_algorithm.event as object), solve_hours: ['0', '18'] },
    },
    fakeDeps({ dispatcher, available: [...ALL_LABOURERS] }),
  );
  assert.equal(answer.status, 200);
  assert.deepEqual(dispatcher.items, [
    {
      type: 'run_deployment_algorithm',
      event: {
        workflow_id: 'workflow_name-version_number',
        deployment_metrics_calculator_type: 'simple',
        solve_hours: [0, 18],
        leftover_tokens: 15,
      },
      parent: { root_id: 'root-1', hop: 0 },
    },
  ]);
});

test('an internal_action at the hop limit is refused with a 400 and nothing is dispatched (loop guard)', async () => {
  const dispatcher = new RecordingDispatcher();
  const looping = {
    ...SEED_ACTIONS.internal_sync_workflow,
    meta: { idempotency_key: 't1', root_id: 'origin', hop: MAX_INTERNAL_HOPS },
  };
  const answer = await routeAction(looping, fakeDeps({ dispatcher, available: [...ALL_LABOURERS] }));
  assert.equal(answer.status, 400);
  assert.match(String(answer.message), /refusing to emit an internal event at hop 5 \(limit 4\) for root action origin/);
  assert.equal(dispatcher.items.length, 0);
});

test('an available labourer without an orchestrator answers 501 naming the orchestrator', async () => {
  const answer = await routeAction(SEED_ACTIONS.log_sync, fakeDeps({ available: ['log-syncer'] }));
  assert.deepEqual(answer, { status: 501, message: 'log_sync (the orchestrator) is not available yet' });
});

test('malformed actions answer 400 with the field; transient failures are thrown for retry', async () => {
  const answer = await routeAction({ action: 'remove' }, fakeDeps());
  assert.equal(answer.status, 400);
  assert.match(String(answer.message), /field "workflow_id": is required/);
  const failing = fakeDeps({ listWorkflowIds: async () => Promise.reject(new TransientError('throttled')) });
  await assert.rejects(routeAction(SEED_ACTIONS.list, failing), TransientError);
});

test('run_deployment_migrator also gives a task to workflows whose clean-up is due, once per workflow', async () => {
  const dispatcher = new RecordingDispatcher();
  const deps = fakeDeps({
    dispatcher,
    available: [...ALL_LABOURERS],
    listCleanupDueWorkflowIds: async () => ['c_flow-1.0', 'a_flow-0.0.2'],
  });
  const answer = await routeAction(SEED_ACTIONS.run_deployment_migrator, deps);
  assert.deepEqual(answer, { status: 200, message: 'Deployment migrator started', workflows: 2 });
  assert.deepEqual(
    dispatcher.items.map((i) => i.event),
    [{ workflow_id: 'a_flow-0.0.2' }, { workflow_id: 'c_flow-1.0' }],
  );
});
