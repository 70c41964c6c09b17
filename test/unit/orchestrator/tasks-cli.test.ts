// `caribou tasks` argument handling (no AWS): usage errors name the option and what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeTasksCommand, tableNames } from '../../../cli/commands/tasks.js';
import { UsageError } from '../../../shared/errors.js';
import type { TaskStore } from '../../../shared/orchestrator/task-store.js';

const cli = makeTasksCommand({ store: () => ({}) as TaskStore, env: {} });
const io = { out: () => {}, err: () => {} };

test('usage errors', async () => {
  await assert.rejects(
    cli.run(['--status', 'sleeping'], io),
    (e: unknown) => e instanceof UsageError && /--status: expected one of queued, running, completed/.test(e.message),
  );
  await assert.rejects(
    cli.run(['--labourer', 'router'], io),
    (e: unknown) => e instanceof UsageError && /--labourer: expected one of log-syncer/.test(e.message),
  );
  await assert.rejects(cli.run(['--limit', '-1'], io), UsageError);
  await assert.rejects(cli.run(['show'], io), /expected `caribou tasks show <task-id>`/);
  await assert.rejects(cli.run(['list'], io), /unexpected argument "list"/);
  await assert.rejects(cli.run(['--bogus'], io), UsageError);
});

test("table names from the prefix, overridden by the functions' env vars", () => {
  assert.deepEqual(tableNames('dev', {}), { tasks: 'dev-tasks', closed: 'dev-closed-tasks', retry: 'dev-retry-tasks' });
  assert.deepEqual(tableNames('dev', { CARIBOU_TASKS_TABLE: 'x' }), { tasks: 'x', closed: 'dev-closed-tasks', retry: 'dev-retry-tasks' });
});
