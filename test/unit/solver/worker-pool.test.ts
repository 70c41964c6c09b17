// The solver's worker pool: the calling thread solving beside one worker gives what the main thread
// alone gives, and the compiled CLI starts its workers from the prebuilt dist/cli/solver-worker.mjs
// with esbuild unavailable at run time (scripts/build-cli.ts).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildCli, SOLVER_WORKER_FILE } from '../../../scripts/build-cli.js';
import { loadSolverInput, solveWorkflow } from '../../../shared/solver/index.js';
import { prebuiltWorkerFile } from '../../../shared/solver/worker-pool.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const fixtures = path.join(root, 'test/fixtures/solver');
// Inside the repo so the bundle's external packages resolve from node_modules.
const scratch = mkdtempSync(path.join(root, 'dist', 'test-worker-pool-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

const load = (shape: string) => loadSolverInput(path.join(fixtures, 'data'), path.join(fixtures, `${shape}.json`));
const mc = { minSamples: 40, maxSamples: 40, batchSize: 40 };
const strip = (r: Awaited<ReturnType<typeof solveWorkflow>>) =>
  r.hours.map((h) => ({ hour: h.hour, p: h.placementByInstance, m: h.metrics, e: h.evaluations }));

describe('solver worker pool', () => {
  it('from sources there is no prebuilt worker; the entry is bundled on the fly', () => {
    assert.equal(prebuiltWorkerFile(), undefined);
  });

  it('the main thread beside one worker solves the hours as the main thread alone does', async () => {
    const input = await load('map_reduce');
    const opts = { hours: [0, 6, 12], calculator: 'go' as const, seed: 3, monteCarlo: mc, algorithm: 'coarse' as const };
    const alone = await solveWorkflow(input, { ...opts, workers: 0 });
    const shared = await solveWorkflow(input, { ...opts, workers: 2 });
    assert.deepEqual(strip(shared), strip(alone));
    assert.deepEqual(
      shared.hours.map((h) => h.hour),
      [0, 6, 12],
    );
  });

  it('the compiled CLI uses the prebuilt worker entry, without esbuild at run time', async () => {
    const outDir = path.join(scratch, 'cli');
    await buildCli(outDir);
    assert.ok(existsSync(path.join(outDir, SOLVER_WORKER_FILE)));
    // Any attempt to load esbuild in the CLI process fails.
    const blocker = path.join(scratch, 'no-esbuild.cjs');
    writeFileSync(
      blocker,
      `const M = require('node:module'); const r = M._resolveFilename;
M._resolveFilename = function (req, ...rest) { if (req === 'esbuild') throw new Error('esbuild loaded at run time'); return r.call(this, req, ...rest); };`,
    );
    const solve = (workers: string) => {
      const args = ['solve', '--data', path.join(fixtures, 'data'), '--workflow', path.join(fixtures, 'map_reduce.json')];
      const r = spawnSync(
        process.execPath,
        [
          '--require',
          blocker,
          path.join(outDir, 'main.mjs'),
          ...args,
          '--hours',
          '0,6',
          '--samples',
          '40',
          '--algorithm',
          'coarse',
          '--workers',
          workers,
          '--json',
        ],
        { cwd: root, encoding: 'utf8', env: { ...process.env, CARIBOU_CLI_FROM_SOURCE: '' } },
      );
      assert.equal(r.status, 0, r.stderr);
      const plan = JSON.parse(r.stdout);
      return JSON.stringify(plan.hours, (k, v) => (k === 'seconds' ? undefined : v));
    };
    assert.equal(solve('2'), solve('0'));
  });
});
