import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CLEANUP_GRACE_S, migratorConfigFromEnv } from '../../../services/migrator/config.js';

test('the grace period defaults to 5 days (queue retention + a day) and is configurable; bad values name the variable', () => {
  const env = { CARIBOU_IDEMPOTENCY_TABLE: 'idem' };
  assert.equal(DEFAULT_CLEANUP_GRACE_S, 432_000);
  assert.equal(migratorConfigFromEnv(env).cleanupGraceS, 432_000);
  assert.equal(migratorConfigFromEnv({ ...env, CARIBOU_MIGRATOR_CLEANUP_GRACE_S: '8' }).cleanupGraceS, 8);
  assert.throws(
    () => migratorConfigFromEnv({ ...env, CARIBOU_MIGRATOR_CLEANUP_GRACE_S: 'soon' }),
    /CARIBOU_MIGRATOR_CLEANUP_GRACE_S must be an integer/,
  );
  assert.throws(
    () => migratorConfigFromEnv({ ...env, CARIBOU_MIGRATOR_CLEANUP_GRACE_S: '-1' }),
    /CARIBOU_MIGRATOR_CLEANUP_GRACE_S must be a number of seconds >= 0/,
  );
  assert.throws(() => migratorConfigFromEnv({}), /CARIBOU_IDEMPOTENCY_TABLE is not set/);
});
