// `caribou new_workflow <name>`: a working project (app.ts, .caribou/config.yml,
// .caribou/iam_policy.json, a test) that deploys as is.
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKFLOW_NAME_RE } from '../analysis/names.js';
import { ValidationError } from '../errors.js';

import { REPO_ROOT } from '../config/control-plane.js';

export interface ScaffoldOptions {
  name: string;
  /** Folder to create the project in (default: ./<name>). */
  directory?: string;
  homeRegion?: string;
}

export function scaffoldWorkflow(options: ScaffoldOptions): string[] {
  const { name } = options;
  if (!WORKFLOW_NAME_RE.test(name)) throw new ValidationError(`workflow name "${name}" is invalid: 1-25 letters, digits or _ expected`);
  const dir = path.resolve(options.directory ?? name);
  if (existsSync(dir)) throw new ValidationError(`${dir} already exists; choose another name or folder`);
  const region = options.homeRegion ?? 'us-east-1';
  const files: Record<string, string> = {
    'app.ts': `// The ${name} workflow. Deploy with \`caribou deploy\`, run with \`caribou run ${name}-0.0.1 -a '{"name": "world"}'\`.
import { CaribouWorkflow } from 'caribou-ts';

export const workflow = new CaribouWorkflow({ name: '${name}', version: '0.0.1' });

export interface Greeting {
  name: string;
}

// A successor: receives what its predecessor sent.
export const greet = workflow.serverlessFunction<Greeting, { message: string }>({ name: 'greet' }, (greeting) => {
  return { message: \`Hello, \${greeting.name}!\` };
});

// The entry point: receives the run's input (\`caribou run -a JSON\`).
export const start = workflow.serverlessFunction<{ name?: string; greet?: boolean }, { greeted: boolean }>(
  { name: 'start', entryPoint: true },
  (input) => {
    // Always execute invoke statements; pass a condition to skip the call in this run.
    const wanted = input.greet !== false;
    workflow.invokeServerlessFunction(greet, { name: input.name ?? 'world' }, wanted);
    return { greeted: wanted };
  },
);
`,
    '.caribou/config.yml': `workflow_name: ${name}
workflow_version: 0.0.1
environment_variables: []
iam_policy_file: iam_policy.json
home_region:
  provider: aws
  region: ${region}
estimated_invocations_per_month: 1000000
constraints:
  hard_resource_constraints:
    cost: null
    runtime: null
    carbon: null
  soft_resource_constraints:
    cost: null
    runtime: null
    carbon: null
  priority_order:
    - carbon
    - cost
    - runtime
regions_and_providers:
  allowed_regions: null
  disallowed_regions: null
  providers:
    aws:
      config:
        memory: 128
        timeout: 60
# Share of runs kept entirely in the home region (a baseline for the solver).
home_region_run_ratio: 0.1
`,
    '.caribou/iam_policy.json': `${JSON.stringify(
      {
        aws: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' }],
        },
      },
      null,
      2,
    )}\n`,
    'test/app.test.ts': `// Runs the workflow in memory through the real runtime (conditions, sync nodes, duplicates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateProject } from 'caribou-ts';

const project = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ran = (instances: string[]) => instances.map((i) => i.split(':')[0]!.split('-').pop());

test('start calls greet', async () => {
  const run = await simulateProject(project, { name: 'Ada' }, { duplicateEveryMessage: true });
  assert.deepEqual(ran(run.executed), ['start', 'greet']);
  assert.deepEqual(Object.values(run.results).at(-1), { message: 'Hello, Ada!' });
});

test('greet is skipped when the condition is false', async () => {
  const run = await simulateProject(project, { greet: false });
  assert.deepEqual(ran(run.executed), ['start']);
});
`,
    'package.json': `${JSON.stringify(
      {
        name,
        private: true,
        type: 'module',
        scripts: { test: 'node --import tsx --test test/app.test.ts', deploy: 'caribou deploy .' },
        dependencies: { 'caribou-ts': `file:${REPO_ROOT}` },
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules\n.caribou/build\n',
  };
  const written: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(target);
  }
  // Resolve `caribou-ts` (and through it tsx/typescript) without an npm install.
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  symlinkSync(REPO_ROOT, path.join(dir, 'node_modules', 'caribou-ts'), 'dir');
  symlinkSync(path.join(REPO_ROOT, 'node_modules', 'tsx'), path.join(dir, 'node_modules', 'tsx'), 'dir');
  return written;
}
