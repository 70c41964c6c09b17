// `caribou new_workflow`: the scaffolded project passes static analysis and its own test logic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { scaffoldWorkflow, toolDependencySpec, toolPackage } from '../../../shared/workflows/scaffold.js';
import { REPO_ROOT } from '../../../shared/config/control-plane.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { simulateProject } from '../../../shared/sdk/index.js';
import { newWorkflowCommand } from '../../../cli/commands/new-workflow.js';
import { UsageError } from '../../../shared/errors.js';

test('new_workflow creates a project that analyses and runs (in memory)', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'caribou-scaffold-'));
  try {
    const dir = path.join(root, 'hello_wf');
    const out: string[] = [];
    assert.equal(await newWorkflowCommand.run(['hello_wf', '--dir', dir], { out: (l) => out.push(l), err: () => undefined }), 0);
    for (const file of ['app.ts', '.caribou/config.yml', '.caribou/iam_policy.json', 'test/app.test.ts', 'package.json'])
      assert.ok(existsSync(path.join(dir, file)), file);
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
      dependencies: Record<string, string>;
    };
    // From a checkout: a relative link to it, never an absolute path; the scripts use its bin and loader.
    const spec = pkg.dependencies['@caribou-ts/caribou']!;
    assert.match(spec, /^file:\.\.\//);
    assert.equal(path.resolve(dir, spec.slice('file:'.length)), REPO_ROOT);
    assert.deepEqual(Object.keys(pkg.dependencies), ['@caribou-ts/caribou']);
    assert.equal(pkg.scripts.deploy, 'caribou deploy .');
    assert.equal(pkg.scripts.test, 'node --import @caribou-ts/caribou/register --test test/app.test.ts');
    // What `npm install` does with a file: dependency: a link in node_modules.
    mkdirSync(path.join(dir, 'node_modules', '@caribou-ts'), { recursive: true });
    symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', '@caribou-ts', 'caribou'), 'dir');
    const project = analyzeProject(dir);
    assert.equal(project.dag.workflow_id, 'hello_wf-0.0.1');
    assert.deepEqual(Object.keys(project.dag.instances), [
      'hello_wf-0_0_1-start:entry_point:0',
      'hello_wf-0_0_1-greet:hello_wf-0_0_1-start_0_0:1',
    ]);
    const run = await simulateProject(dir, { name: 'Ada' }, { duplicateEveryMessage: true });
    assert.deepEqual(run.results['hello_wf-0_0_1-greet:hello_wf-0_0_1-start_0_0:1'], { message: 'Hello, Ada!' });
    const skipped = await simulateProject(dir, { greet: false });
    assert.deepEqual(skipped.executed, ['hello_wf-0_0_1-start:entry_point:0']);
    assert.throws(() => scaffoldWorkflow({ name: 'hello_wf', directory: dir }), /already exists/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('new_workflow refuses bad names and usage', async () => {
  const io = { out: () => undefined, err: () => undefined };
  await assert.rejects(newWorkflowCommand.run([], io), UsageError);
  await assert.rejects(newWorkflowCommand.run(['bad-name'], io), /1-25 letters/);
  assert.throws(() => scaffoldWorkflow({ name: 'x'.repeat(26), directory: '/nonexistent/x' }), /1-25 letters/);
});

test('a project depends on the published package by name and version, or on a checkout by relative link', () => {
  const tool = toolPackage();
  assert.equal(tool.name, '@caribou-ts/caribou');
  assert.equal(toolDependencySpec('/somewhere/demo', 'registry', tool), `^${tool.version}`);
  assert.equal(toolDependencySpec('/work/projects/demo', 'link', { ...tool, root: '/work/tools/caribou' }), 'file:../../tools/caribou');
});
