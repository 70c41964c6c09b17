import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LAMBDA_NODE_MAJOR, LAMBDA_NODE_RUNTIME, checkLocalNode } from '../../../shared/aws/lambda-runtime.js';

test('one Lambda runtime, nodejs22.x or newer', () => {
  assert.match(LAMBDA_NODE_RUNTIME, /^nodejs\d+\.x$/);
  assert.ok(LAMBDA_NODE_MAJOR >= 22, `${LAMBDA_NODE_RUNTIME} is at least nodejs22.x`);
});

test('local mode says loudly when its Node differs from the declared runtime', () => {
  const differs = checkLocalNode('v20.20.2');
  assert.equal(differs.matches, false);
  assert.match(differs.warning!, new RegExp(`declared ${LAMBDA_NODE_RUNTIME} but local mode runs them on Node v20\\.20\\.2`));
  const same = checkLocalNode(`v${LAMBDA_NODE_MAJOR}.3.0`);
  assert.equal(same.matches, true);
  assert.equal(same.warning, undefined);
});
