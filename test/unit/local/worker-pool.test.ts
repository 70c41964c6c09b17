// Execution environments: an environment killed on timeout is never handed the next invocation
// (a send to it used to fail with EPIPE as an unhandled 'error' event, ending the local runtime).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FunctionPool } from '../../../local/runtime/worker-pool.js';
import { functionNode } from '../../../local/runtime/function-node.js';
import { LAMBDA_NODE_RUNTIME } from '../../../shared/aws/lambda-runtime.js';

test('an invocation queued behind one that times out runs in a fresh environment', async () => {
  const codeDir = mkdtempSync(path.join(tmpdir(), 'caribou-pool-'));
  writeFileSync(
    path.join(codeDir, 'index.mjs'),
    'export const handler = async (e) => { if (e.hang) await new Promise(() => setInterval(() => {}, 1000)); return { pid: process.pid }; };\n',
  );
  const pool = new FunctionPool(
    {
      name: 'p',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:p',
      region: 'us-east-1',
      accountId: '123456789012',
      handler: 'index.handler',
      runtime: LAMBDA_NODE_RUNTIME,
      timeoutS: 3,
      memoryMB: 128,
      env: {},
      codeSha256: 'x',
      lastModified: '',
    },
    { codeDir, baseEnv: {}, maxConcurrency: 1, idleTimeoutMs: 60_000, sink: () => undefined, execPath: functionNode().execPath },
  );
  try {
    const first = await pool.invoke({});
    assert.equal(first.status, 'success');
    const hung = pool.invoke({ hang: true });
    const queued = pool.invoke({});
    assert.equal((await hung).status, 'timeout');
    const next = await queued;
    assert.equal(next.status, 'success', JSON.stringify(next.error));
    assert.notEqual((next.payload as { pid: number }).pid, (first.payload as { pid: number }).pid);
  } finally {
    pool.close();
    rmSync(codeDir, { recursive: true, force: true });
  }
});
