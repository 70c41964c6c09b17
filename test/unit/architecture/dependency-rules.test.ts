// The layering rules of `make lint` (.dependency-cruiser.cjs): each rule fails on a deliberately
// wrong-way import in a throw-away tree, and the repository's own tree breaks none of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../../..');
const depcruise = path.join(root, 'node_modules/.bin/depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');
// Same list as ARCH_DIRS in the Makefile.
const ARCH_DIRS = ['services', 'shared', 'cli', 'local', 'terraform', 'scripts', 'bench', 'test', 'testkit', 'examples'];

async function cruise(cwd: string, dirs: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(depcruise, ['--config', config, '--output-type', 'err', ...dirs], { cwd, maxBuffer: 16 << 20 });
    return { code: 0, output: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

function tree(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-arch-'));
  writeFileSync(
    path.join(dir, 'tsconfig.json'),
    JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true } }),
  );
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

test('every layering rule fails on a wrong-way import', async () => {
  const dir = tree({
    'terraform/stack.ts': 'export const stack = 1;\n',
    'test/helper.ts': 'export const helper = 1;\n',
    'scripts/bundle.ts': 'export const bundle = 1;\n',
    'shared/orchestrator/config.ts': "import { stack } from '../../terraform/stack.js';\nexport const x = stack;\n",
    'services/a/core/logic.ts': "import { S3Client } from '@aws-sdk/client-s3';\nexport const c = S3Client;\n",
    'services/a/handler.ts': "import { b } from '../b/handler.js';\nexport const a = b;\n",
    'services/b/handler.ts': 'export const b = 1;\n',
    'shared/cycle/one.ts': "import { two } from './two.js';\nexport const one = () => two;\n",
    'shared/cycle/two.ts': "import { one } from './one.js';\nexport const two = () => one;\n",
    'shared/runtime/aws.ts': "import { deploy } from '../workflows/deploy.js';\nexport const r = deploy;\n",
    'shared/workflows/deploy.ts': 'export const deploy = 1;\n',
    'bench/x/index.ts': "import { helper } from '../../test/helper.js';\nexport const y = helper;\n",
    'local/stack.ts': "import { bundle } from '../scripts/bundle.js';\nexport const z = bundle;\n",
  });
  try {
    const { code, output } = await cruise(dir, ['services', 'shared', 'bench', 'local', 'terraform', 'test', 'scripts']);
    assert.notEqual(code, 0, output);
    for (const [rule, edge] of [
      ['lambda-code-imports-no-tooling', 'shared/orchestrator/config.ts → terraform/stack.ts'],
      ['core-imports-no-aws-sdk', 'services/a/core/logic.ts → @aws-sdk/client-s3'],
      ['services-are-independent', 'services/a/handler.ts → services/b/handler.ts'],
      ['no-circular', 'shared/cycle/'],
      ['runtime-imports-no-tools', 'shared/runtime/aws.ts → shared/workflows/deploy.ts'],
      ['tools-import-no-tests', 'bench/x/index.ts → test/helper.ts'],
      ['local-mode-imports-no-scripts', 'local/stack.ts → scripts/bundle.ts'],
    ]) {
      assert.match(
        output,
        new RegExp(`${rule}: ${edge!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
        `${rule} did not report ${edge}:\n${output}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the repository breaks no layering rule', async () => {
  const { code, output } = await cruise(root, ARCH_DIRS);
  assert.equal(code, 0, output);
});
