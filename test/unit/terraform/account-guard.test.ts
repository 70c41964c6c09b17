import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accountGuard } from '../../../scripts/terraform.js';
import { remoteStateFromEnv } from '../../../terraform/synth.js';

const identity = { account: '111122223333', arn: 'arn:aws:iam::111122223333:user/ops', region: 'eu-west-1' };

test('the account guard says where it deploys and refuses another account than the expected one', () => {
  const open = accountGuard(identity, {});
  assert.equal(open.ok, true);
  assert.match(open.message, /account 111122223333 .*region eu-west-1.*set CARIBOU_EXPECTED_ACCOUNT_ID/);
  assert.equal(accountGuard(identity, { CARIBOU_EXPECTED_ACCOUNT_ID: '111122223333' }).ok, true);
  const refused = accountGuard(identity, { CARIBOU_EXPECTED_ACCOUNT_ID: '999988887777' });
  assert.equal(refused.ok, false);
  assert.match(refused.message, /refusing: .*111122223333.*CARIBOU_EXPECTED_ACCOUNT_ID is 999988887777/);
});

test('remote state comes from the environment with defaults', () => {
  assert.equal(remoteStateFromEnv('caribou', 'us-east-1', {}), undefined);
  assert.deepEqual(remoteStateFromEnv('caribou', 'us-east-1', { CARIBOU_TF_STATE_BUCKET: 'b' }), {
    bucket: 'b',
    key: 'caribou/caribou.tfstate',
    region: 'us-east-1',
  });
  assert.deepEqual(
    remoteStateFromEnv('caribou', 'us-east-1', {
      CARIBOU_TF_STATE_BUCKET: 'b',
      CARIBOU_TF_STATE_KEY: 'k',
      CARIBOU_TF_STATE_REGION: 'eu-west-1',
      CARIBOU_TF_LOCK_TABLE: 'l',
    }),
    {
      bucket: 'b',
      key: 'k',
      region: 'eu-west-1',
      lockTable: 'l',
    },
  );
});
