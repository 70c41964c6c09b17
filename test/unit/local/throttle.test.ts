// The local runtime's throttling switch (local/runtime/throttle.ts): rules, counting and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ThrottleSwitch, TooManyRequestsException, parseThrottleRules, THROTTLE_ENV } from '../../../local/runtime/throttle.js';
import { ValidationError } from '../../../shared/errors.js';

const throttled = (s: ThrottleSwitch, fn: string) => {
  try {
    s.check(fn);
    return false;
  } catch (error) {
    assert.ok(error instanceof TooManyRequestsException);
    assert.equal(error.name, 'TooManyRequestsException');
    assert.equal(error.reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    return true;
  }
};

test('calls: exactly the next N invocations of that function are throttled, others untouched', () => {
  const s = new ThrottleSwitch({ a: { calls: 2 } });
  assert.deepEqual([throttled(s, 'a'), throttled(s, 'b'), throttled(s, 'a'), throttled(s, 'a')], [true, false, true, false]);
  assert.deepEqual(s.status(), { rules: { a: { calls: 0 } }, throttled: { a: 2 } });
});

test('rate: the share drawn from the random source; a function rule wins over "*"', () => {
  const draws = [0.1, 0.5, 0.19, 0.9];
  const s = new ThrottleSwitch({ '*': { rate: 0.2 }, keep: { rate: 0 } }, () => draws.shift() ?? 1);
  assert.deepEqual([throttled(s, 'x'), throttled(s, 'y'), throttled(s, 'keep'), throttled(s, 'x')], [true, false, false, false]);
  assert.deepEqual(s.status().throttled, { x: 1 });
  s.set({});
  assert.equal(throttled(s, 'x'), false);
});

test('rules from the environment and from JSON; invalid rules name the function and field', () => {
  assert.deepEqual(ThrottleSwitch.fromEnv({ [THROTTLE_ENV]: '{"f":{"rate":1}}' }).status().rules, { f: { rate: 1 } });
  assert.deepEqual(ThrottleSwitch.fromEnv({}).status().rules, {});
  const bad: Array<[unknown, RegExp]> = [
    ['{', /not JSON/],
    [[], /expected an object/],
    [{ f: { rate: 2 } }, /"f"\.rate must be a number from 0 to 1/],
    [{ f: { calls: -1 } }, /"f"\.calls must be a whole number/],
    [{ f: { rate: 0.1, calls: 1 } }, /"f" must be/],
    [{ f: { rat: 0.1 } }, /"f" must be/],
    [{ f: null }, /"f" must be/],
  ];
  for (const [input, message] of bad) {
    assert.throws(
      () => parseThrottleRules(input, THROTTLE_ENV),
      (e: unknown) => e instanceof ValidationError && message.test(e.message) && e.message.startsWith(THROTTLE_ENV),
    );
  }
});
