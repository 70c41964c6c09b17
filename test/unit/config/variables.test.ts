// The one declaration of environment variables (shared/config/variables.ts) against the README's
// table and against the CARIBOU_* names the code mentions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ENV_VARS, envTableRows } from '../../../shared/config/variables.js';
import { optionalTableName, requireTableName, stackPrefix, tableName } from '../../../shared/config/control-plane.js';

const root = path.resolve(import.meta.dirname, '../../..');
/** CARIBOU_* identifiers that are not environment variables. */
const NOT_ENV = new Set(['CARIBOU_VERSION', 'CARIBOU_LOCAL']);

function readmeEnvSection(): string {
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf('## Environment variables');
  assert.ok(start >= 0, 'README has an "Environment variables" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

test("the README's environment table is the declared list", () => {
  const section = readmeEnvSection();
  for (const row of envTableRows())
    assert.ok(section.includes(row), `README environment table lacks or differs on:\n${row}\n(regenerate the rows from envTableRows())`);
  const listed = new Set([...section.matchAll(/`(CARIBOU_[A-Z0-9_]+)`/g)].map((m) => m[1]!));
  const declared = new Set(ENV_VARS.map((v) => v.name));
  for (const name of listed)
    assert.ok(declared.has(name) || name === 'CARIBOU_PREFIX', `README lists ${name}, which shared/config/variables.ts does not declare`);
});

test('the code mentions no undeclared CARIBOU_* variable', () => {
  const declared = new Set(ENV_VARS.map((v) => v.name));
  const files = execFileSync(
    'git',
    ['ls-files', '-co', '--exclude-standard', 'services', 'shared', 'cli', 'local', 'terraform', 'scripts', 'bin'],
    { cwd: root, encoding: 'utf8' },
  )
    .split('\n')
    .filter((f) => /\.(ts|js|mjs)$/.test(f));
  const undeclared: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(path.join(root, file), 'utf8');
    } catch {
      continue; // deleted in the work tree
    }
    for (const [name] of text.matchAll(/\bCARIBOU_[A-Z0-9_]*[A-Z0-9]\b/g)) {
      if (!declared.has(name) && !NOT_ENV.has(name)) undeclared.push(`${file}: ${name}`);
    }
  }
  assert.deepEqual(undeclared, [], 'declare these in shared/config/variables.ts and the README table');
});

test('table names: services need their env var, operator tools derive them from the prefix', () => {
  assert.equal(requireTableName('tasks', { CARIBOU_TASKS_TABLE: 'x-tasks' }), 'x-tasks');
  assert.throws(() => requireTableName('tasks', { CARIBOU_PREFIX: 'p' }), /environment variable CARIBOU_TASKS_TABLE is not set/);
  assert.equal(tableName('closed-tasks', { CARIBOU_PREFIX: 'p' }), 'p-closed-tasks');
  assert.equal(tableName('workflows', { CARIBOU_PREFIX: 'p', CARIBOU_WORKFLOWS_TABLE: 'w' }), 'w');
  assert.throws(() => tableName('placements', {}), /CARIBOU_PLACEMENTS_TABLE/);
  assert.equal(optionalTableName('collector-data', {}), undefined);
  assert.equal(stackPrefix({}), 'caribou');
  assert.equal(stackPrefix({ CARIBOU_PREFIX: 'q' }), 'q');
});
