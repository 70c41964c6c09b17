// The runtime's topology refresh (local/runtime/runtime.ts): a caller that asks for a refresh
// after changing something (a CreateFunction / CreateEventSourceMapping the runtime just proxied, an
// Invoke of a function it does not know yet) must see a pass that read the APIs after its call,
// not the result of a pass that was already running and read them before the change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalRuntime } from '../../../local/runtime/runtime.js';
import { Clock } from '../../../local/runtime/clock.js';
import type { RegionTopology } from '../../../local/runtime/discovery.js';
import type { FunctionConfig } from '../../../local/runtime/worker-pool.js';

const REGION = 'us-east-1';

function fn(name: string): FunctionConfig {
  return {
    name,
    arn: `arn:aws:lambda:${REGION}:123456789012:function:${name}`,
    region: REGION,
    accountId: '123456789012',
    handler: 'index.handler',
    runtime: 'nodejs22.x',
    timeoutS: 3,
    memoryMB: 128,
    env: {},
    codeSha256: 'x',
    lastModified: '',
  };
}

/** A runtime whose discovery reads `world` when a pass starts and answers when the test opens its gate. */
function harness() {
  const stateDir = mkdtempSync(path.join(os.tmpdir(), 'caribou-refresh-test-'));
  const world: FunctionConfig[] = [];
  const passes: Array<{ full: boolean; release: () => void }> = [];
  const runtime = new LocalRuntime({
    stateDir,
    regions: [REGION],
    clock: new Clock(1),
    workerEnv: {},
    runtimeNodeModules: path.join(stateDir, 'node_modules'),
    functionNode: { execPath: process.execPath, version: process.version, source: 'machine' },
    codeDirs: [],
    maxWorkersPerFunction: 1,
    refreshIntervalMs: 60_000,
    sweepIntervalMs: 60_000,
    log: () => undefined,
    discover: (region, full): Promise<RegionTopology> => {
      const functions = [...world]; // what the APIs return at the moment the pass reads them
      return new Promise((resolve) => passes.push({ full, release: () => resolve({ region, functions, mappings: [], schedules: [] }) }));
    },
  });
  const started = async (n: number) => {
    for (let i = 0; i < 100 && passes.length < n; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(passes.length, n, `discovery passes started`);
  };
  return { runtime, world, passes, started, cleanup: () => rmSync(stateDir, { recursive: true, force: true }) };
}

test('a refresh asked for while an older pass runs waits for a pass that sees the change; callers meanwhile share it', async () => {
  const h = harness();
  try {
    const first = h.runtime.refresh(REGION); // e.g. the periodic pass, reading before the change
    await h.started(1);
    h.world.push(fn('created-meanwhile')); // CreateFunction answered while that pass runs
    let secondDone = false;
    const second = h.runtime.refresh(REGION).then(() => (secondDone = true));
    const third = h.runtime.refresh(REGION);
    h.passes[0]!.release();
    await first;
    assert.equal(h.runtime.functions.size, 0, 'the older pass read the APIs before the function existed');
    await h.started(2);
    assert.equal(secondDone, false, 'the caller is not answered with the older pass');
    h.passes[1]!.release();
    await Promise.all([second, third]);
    assert.ok(h.runtime.functions.has(fn('created-meanwhile').arn), 'the later pass applied the new function');
    assert.equal(h.passes.length, 2, 'both waiting callers shared one queued pass');
  } finally {
    h.cleanup();
  }
});

test('an Invoke of a function created while an older pass runs finds it instead of answering not found', async () => {
  const h = harness();
  try {
    const periodic = h.runtime.refresh(REGION);
    await h.started(1);
    h.world.push(fn('fresh'));
    const resolved = h.runtime.resolveFunction('fresh', REGION);
    h.passes[0]!.release();
    await periodic;
    await h.started(2);
    h.passes[1]!.release();
    assert.equal((await resolved).name, 'fresh');
  } finally {
    h.cleanup();
  }
});

test('a full refresh queued behind a running pass re-reads rule targets', async () => {
  const h = harness();
  try {
    const running = h.runtime.refresh(REGION);
    await h.started(1);
    const plain = h.runtime.refresh(REGION);
    const full = h.runtime.refresh(REGION, true); // POST /_local/refresh while the plain one waits
    h.passes[0]!.release();
    await running;
    await h.started(2);
    assert.equal(h.passes[1]!.full, true, 'the queued pass re-reads targets for the caller that asked');
    h.passes[1]!.release();
    await Promise.all([plain, full]);
    assert.equal(h.passes.length, 2);
  } finally {
    h.cleanup();
  }
});
