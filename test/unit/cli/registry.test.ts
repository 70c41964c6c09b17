// The lazy command registry and the compiled CLI (ADR 0005): the registry's summaries match the
// modules it loads, the bundle runs, and the chunks `--help` and `version` load import none of the
// heavy tools (TypeScript compiler, esbuild, cdktf) nor the AWS SDK.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { commands } from '../../../cli/commands/index.js';
import { buildCli } from '../../../scripts/build-cli.js';

const root = path.resolve(import.meta.dirname, '../../..');

test('each registry entry names and summarises the command its loader returns', async () => {
  assert.equal(new Set(commands.map((c) => c.name)).size, commands.length, 'duplicate command names');
  for (const entry of commands) {
    const command = await entry.load();
    assert.equal(command.name, entry.name);
    assert.equal(command.summary, entry.summary, `summary of ${entry.name} differs between cli/commands/index.ts and its module`);
  }
});

/** Static imports (not `import()`) of a bundle chunk. */
function staticImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s*"([^"]+)"|^\s*import\s*"([^"]+)"/gms)].map((m) => (m[1] ?? m[2])!);
}

function staticClosure(dir: string, entry: string): { chunks: Set<string>; packages: Set<string> } {
  const chunks = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string) => {
    if (chunks.has(file)) return;
    chunks.add(file);
    for (const spec of staticImports(path.join(dir, file))) {
      if (spec.startsWith('./')) visit(spec.slice(2));
      else packages.add(spec);
    }
  };
  visit(entry);
  return { chunks, packages };
}

test('the compiled CLI runs and its start-up path loads no heavy tool', async () => {
  // A private output folder inside the repo (packages resolve from the repo's node_modules) so the
  // bundle bin/caribou.js uses is not rebuilt under other tests.
  const outDir = path.join(root, 'dist', `cli-test-${process.pid}`);
  try {
    const build = await buildCli(outDir);
    assert.ok(build.inputs.includes('cli/main.ts'));
    const env = { ...process.env, AWS_ENDPOINT_URL: 'http://127.0.0.1:9', AWS_MAX_ATTEMPTS: '1' };
    const version = spawnSync(process.execPath, [path.join(outDir, 'main.mjs'), 'version'], { env, encoding: 'utf8' });
    assert.equal(version.status, 0, version.stderr);
    assert.equal(version.stdout.trim(), '0.1.0');
    const help = spawnSync(process.execPath, [path.join(outDir, 'main.mjs'), '--help'], { env, encoding: 'utf8' });
    assert.equal(help.status, 0, help.stderr);
    for (const entry of commands)
      assert.match(help.stdout, new RegExp(`\\n  ${entry.name} +${entry.summary.slice(0, 20).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

    const main = staticClosure(outDir, 'main.mjs');
    const versionChunk = readFileSync(path.join(outDir, 'main.mjs'), 'utf8').match(/import\("\.\/(control-plane-[A-Z0-9]+\.mjs)"\)/)?.[1];
    assert.ok(versionChunk, 'the version command is loaded by a dynamic import of its own chunk');
    const startUp = new Set([...main.packages, ...staticClosure(outDir, versionChunk).packages]);
    for (const pkg of startUp) {
      assert.ok(pkg.startsWith('node:'), `--help/version statically load ${pkg}; only node: built-ins are expected`);
    }
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
});
