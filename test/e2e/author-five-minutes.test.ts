// The workflow author's first five minutes, in a temporary folder against local mode:
// `caribou new_workflow demo && cd demo && npm install && npm test && npm run deploy`, then a run
// and a removal through the project's own `caribou` (node_modules/.bin, never the registry).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../../shared/config/control-plane.js';
import { checkLocalNode } from '../../shared/aws/lambda-runtime.js';
import { functionNode, toolsNodePath } from '../../local/runtime/function-node.js';
import { startWorkflowSuite, resourcesOf, NO_RESOURCES, type WorkflowSuite } from '../integration/workflows/local.js';

let suite: WorkflowSuite;
let root: string;
before(async () => {
  suite = await startWorkflowSuite('author');
  root = mkdtempSync(path.join(tmpdir(), 'caribou-author-'));
});
after(async () => {
  if (root) rmSync(root, { recursive: true, force: true });
  await suite?.local.stop();
});

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

async function sh(file: string, args: string[], cwd: string): Promise<Ran> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...suite.env,
    // Any registry request would fail: the project's only dependency is the link to this checkout.
    npm_config_registry: 'http://127.0.0.1:9/',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  // The project's own `node --test` is a top-level run, not a child of this one.
  delete env.NODE_TEST_CONTEXT;
  try {
    const { stdout, stderr } = await promisify(execFile)(file, args, { cwd, env, maxBuffer: 8 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

test('new_workflow, npm install, npm test, npm run deploy, run, remove', async () => {
  const created = await sh(process.execPath, [path.join(REPO_ROOT, 'bin', 'caribou.js'), 'new_workflow', 'demo'], root);
  assert.equal(created.code, 0, created.stderr);
  const dir = path.join(root, 'demo');
  const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  const spec = pkg.dependencies['@caribou-ts/caribou']!;
  assert.match(spec, /^file:\.\.\//, 'a relative link to the checkout');

  const installed = await sh('npm', ['install', '--offline'], dir);
  assert.equal(installed.code, 0, installed.stderr);
  assert.match(installed.stdout, /added 1 package/);
  const link = path.join(dir, 'node_modules', '@caribou-ts', 'caribou');
  assert.ok(lstatSync(link).isSymbolicLink());
  assert.equal(realpathSync(link), realpathSync(REPO_ROOT));
  assert.deepEqual(
    readdirSync(path.join(dir, 'node_modules'))
      .filter((f) => f !== '.package-lock.json')
      .sort(),
    ['.bin', '@caribou-ts'],
  );
  assert.ok(existsSync(path.join(dir, 'node_modules', '.bin', 'caribou')));

  // `npx <package name>` runs the installed package's bin, without asking the registry.
  const byName = await sh('npx', ['--offline', '@caribou-ts/caribou', '--help'], dir);
  assert.equal(byName.code, 0, byName.stderr);
  assert.match(byName.stdout, /Usage: caribou/);

  const tested = await sh('npm', ['test'], dir);
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  assert.match(tested.stdout, /# pass 2/);
  assert.match(tested.stdout, /# fail 0/);

  const deployed = await sh('npm', ['run', 'deploy'], dir);
  assert.equal(deployed.code, 0, deployed.stdout + deployed.stderr);
  assert.match(deployed.stdout, /Deployed demo-0\.0\.1 to aws:us-east-1/);

  const run = await sh(
    'npx',
    ['--offline', 'caribou', 'run', 'demo-0.0.1', '-a', '{"name":"Ada"}', '--wait', '--json', '--timeout', '60'],
    dir,
  );
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const report = JSON.parse(run.stdout) as { status: string; instances: { function: string }[] };
  assert.equal(report.status, 'succeeded');
  assert.deepEqual(report.instances.map((i) => i.function).sort(), ['greet', 'start']);

  // Function code ran on the Node that make install put in .tools/ (the declared runtime's major).
  const status = (await (await fetch(`${suite.local.endpoints.runtime}/_local/status`)).json()) as {
    nodeVersion: string;
    nodeSource: string;
  };
  const expected = functionNode();
  assert.deepEqual(
    { nodeVersion: status.nodeVersion, nodeSource: status.nodeSource },
    { nodeVersion: expected.version, nodeSource: expected.source },
  );
  if (existsSync(toolsNodePath())) assert.equal(checkLocalNode(status.nodeVersion).matches, true, status.nodeVersion);

  const removed = await sh('npx', ['--offline', 'caribou', 'remove', 'demo-0.0.1'], dir);
  assert.equal(removed.code, 0, removed.stderr);
  assert.deepEqual(await resourcesOf('demo', 'demo-0.0.1', suite.deps), NO_RESOURCES);
});
