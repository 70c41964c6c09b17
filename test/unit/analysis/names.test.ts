import { test } from 'node:test';
import assert from 'node:assert/strict';
import { functionStems, physicalName, queueName, roleName, syncTableName } from '../../../shared/analysis/names.js';

test('resource names of the longest allowed names stay within AWS limits and keep the stack start and region tail', () => {
  const prefix = 'a-twenty-one-char-pfx';
  assert.equal(prefix.length, 21);
  const physical = physicalName(prefix, 'a_twenty_five_char_name__', '1.2.3', 'fn_twenty_chars_long', 'ap-southeast-2');
  assert.ok(physical.length <= 64, physical);
  assert.ok(physical.startsWith(`${prefix}_`), physical);
  assert.match(physical, /_aws-ap-southeast-2$/);
  const role = roleName(physical);
  assert.ok(role.length <= 64, role);
  assert.ok(role.startsWith(`${prefix}_`), role);
  assert.match(role, /_aws-ap-southeast-2-role$/);
  assert.notEqual(
    roleName(physicalName(prefix, 'a_twenty_five_char_name__', '1.2.3', 'fn_TWENTY_chars_long', 'ap-southeast-2')),
    role,
    'shortened names stay distinct',
  );
  for (const name of [queueName(physical), queueName(physical, true)]) {
    assert.ok(name.length <= 80);
    assert.ok(name.startsWith(`${prefix}_`));
    assert.match(name, /_aws-ap-southeast-2(-dlq)?$/);
  }
});

test('short names are readable and a function has the same stem in every region', () => {
  assert.equal(physicalName('caribou', 'wf', '0.0.1', 'f', 'us-east-1'), 'caribou_wf-0_0_1-f_aws-us-east-1');
  assert.equal(roleName('caribou_wf-0_0_1-f_aws-us-east-1'), 'caribou_wf-0_0_1-f_aws-us-east-1-role');
  assert.equal(syncTableName('caribou', 'wf', '0.0.1'), 'caribou_sync-wf-0_0_1');
  const { full, short } = functionStems('long-stack-prefix-xyz', 'a_twenty_five_char_name__', '1.2.3', 'fn_of_15_chars_');
  assert.ok(short, 'too long for the longest region: a short stem exists');
  for (const region of ['us-east-1', 'ap-southeast-2', 'eu-west-3', 'il-central-1']) {
    const name = physicalName('long-stack-prefix-xyz', 'a_twenty_five_char_name__', '1.2.3', 'fn_of_15_chars_', region);
    assert.ok(name.length <= 64, name);
    assert.ok(name === `${full}_aws-${region}` || name === `${short}_aws-${region}`, `${name} starts with one of the stems`);
  }
  assert.equal(functionStems('caribou', 'wf', '1', 'f').short, undefined, 'short names have one stem');
});

test('a stack never shares a name start with another stack or with its own control plane', () => {
  const mine = physicalName('caribou', 'wf', '1', 'f', 'us-east-1');
  const other = physicalName('caribou-x', 'wf', '1', 'f', 'us-east-1');
  assert.ok(mine.startsWith('caribou_'));
  assert.ok(!other.startsWith('caribou_'), 'a "-" inside a prefix keeps stacks apart');
  assert.ok(!'caribou-action-router'.startsWith('caribou_'), 'control-plane names use "-"');
});
