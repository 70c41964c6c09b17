import { test } from 'node:test';
import assert from 'node:assert/strict';
import { physicalName, queueName, roleName } from '../../../shared/analysis/names.js';

test('resource names of the longest allowed Lambda names stay within AWS limits and keep the region tail IAM matches', () => {
  const physical = physicalName('a_twenty_five_char_name__', '1.2.3', 'fn_twenty_chars_long', 'ap-southeast-2');
  assert.ok(physical.length > 60, physical);
  const role = roleName(physical);
  assert.ok(role.length <= 64, role);
  assert.match(role, /_aws-ap-southeast-2-role$/);
  assert.notEqual(roleName(physical.replace('fn_twenty', 'fn_TWENTY')), role, 'shortened names stay distinct');
  assert.equal(roleName('wf-0_0_1-f_aws-us-east-1'), 'wf-0_0_1-f_aws-us-east-1-role');
  for (const name of [queueName(physical), queueName(physical, true)]) {
    assert.ok(name.length <= 80);
    assert.match(name, /_aws-ap-southeast-2(-dlq)?$/);
  }
});
