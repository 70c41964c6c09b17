import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { LAMBDA_NODE_MAJOR, LAMBDA_NODE_RUNTIME, checkLocalNode } from '../../../shared/aws/lambda-runtime.js';
import { functionNode, toolsNodePath } from '../../../local/runtime/function-node.js';
import { FunctionPool } from '../../../local/runtime/worker-pool.js';

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

// Function code runs on the declared runtime's Node: `make install` puts it into .tools/; without it
// the workers fall back to the machine's Node and `caribou local status` warns.
test('local workers run on the Node of the declared runtime when make install put it in .tools/', async () => {
  const installed = existsSync(toolsNodePath());
  const node = functionNode();
  const codeDir = mkdtempSync(path.join(tmpdir(), 'caribou-node-'));
  writeFileSync(path.join(codeDir, 'index.mjs'), 'export const handler = async () => ({ version: process.version });\n');
  const pool = new FunctionPool(
    {
      name: 'v',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:v',
      region: 'us-east-1',
      accountId: '123456789012',
      handler: 'index.handler',
      runtime: LAMBDA_NODE_RUNTIME,
      timeoutS: 30,
      memoryMB: 128,
      env: {},
      codeSha256: 'x',
      lastModified: '',
    },
    { codeDir, baseEnv: {}, maxConcurrency: 1, idleTimeoutMs: 60_000, sink: () => undefined, execPath: node.execPath },
  );
  try {
    const result = await pool.invoke({});
    assert.equal(result.status, 'success', JSON.stringify(result.error));
    const { version } = result.payload as { version: string };
    assert.equal(version, node.version);
    if (installed) {
      assert.equal(node.source, 'tools');
      assert.equal(Number(version.slice(1).split('.')[0]), LAMBDA_NODE_MAJOR);
      assert.equal(checkLocalNode(version).matches, true);
    } else {
      assert.equal(node.source, 'machine');
      assert.equal(version, process.version);
    }
  } finally {
    pool.close();
    rmSync(codeDir, { recursive: true, force: true });
  }
});

test("without the tools Node the workers use the machine's, and the status line says what differs", () => {
  const node = functionNode(path.join(tmpdir(), 'no-such-node'));
  assert.deepEqual(node, { execPath: process.execPath, version: process.version, source: 'machine' });
  const check = checkLocalNode(node.version);
  assert.equal(check.matches, Number(process.version.slice(1).split('.')[0]) === LAMBDA_NODE_MAJOR);
  if (!check.matches) assert.match(check.warning!, /make install/);
  // A binary of another major is not used either.
  assert.equal(functionNode(process.execPath, LAMBDA_NODE_MAJOR + 1).source, 'machine');
});
