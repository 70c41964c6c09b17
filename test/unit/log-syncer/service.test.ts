import { test } from 'node:test';
import assert from 'node:assert/strict';
import { continuationFollowUp } from '../../../services/log-syncer/service.js';
import { logSyncerConfig } from '../../../services/log-syncer/config.js';
import { childCausation } from '../../../shared/guards/loop-guard.js';
import type { WorkItem } from '../../../shared/contracts/internal.js';
import { ValidationError } from '../../../shared/errors.js';

test('a follow-up task continues the same work: same root, same hop as the current task', async () => {
  const items: WorkItem[] = [];
  const followUp = continuationFollowUp(
    { dispatch: async (i) => (items.push(...i), { task_ids: ['t2'] }) },
    { idempotency_key: 't1', task_id: 't1', root_id: 'root-1', hop: 1, attempt: 1 },
  );
  await followUp.request('wf-0.0.1');
  assert.equal(items.length, 1);
  assert.deepEqual(items[0]!.event, { workflow_id: 'wf-0.0.1' });
  assert.equal(items[0]!.type, 'sync_workflow');
  assert.deepEqual(childCausation(items[0]!.parent), { root_id: 'root-1', hop: 1 });
});

test('config: defaults, overrides, and errors naming the variable', () => {
  const base = { CARIBOU_WORKFLOWS_TABLE: 'w', CARIBOU_WORKFLOW_SUMMARIES_TABLE: 's', CARIBOU_IDEMPOTENCY_TABLE: 'i' };
  const config = logSyncerConfig(base);
  assert.equal(config.settings.graceMs, 900_000);
  assert.equal(config.settings.horizonMs, 30 * 86_400_000);
  assert.equal(config.faultFailFirstAttempt, false);
  assert.equal(logSyncerConfig({ ...base, CARIBOU_LOG_SYNC_GRACE_S: '2' }).settings.graceMs, 2000);
  assert.throws(() => logSyncerConfig({ ...base, CARIBOU_LOG_SYNC_GRACE_S: 'soon' }), /CARIBOU_LOG_SYNC_GRACE_S/);
  assert.throws(() => logSyncerConfig({ CARIBOU_WORKFLOWS_TABLE: 'w' }), ValidationError);
});
