// `caribou new_workflow <name>`: a working project (app.ts, .caribou/config.yml,
// .caribou/iam_policy.json, a test, a package.json) that installs, tests and deploys as is:
// `npm install && npm test && npm run deploy` (docs/adr/0007-author-package.md). `make local`'s
// demo (cli/lib/loop/demo-project.ts) writes its workflow through here too.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { WORKFLOW_NAME_RE } from '../analysis/names.js';
import { ValidationError } from '../errors.js';

import { REPO_ROOT } from '../config/control-plane.js';

/** How the project's package.json names this package. */
export type ToolDependency =
  /** `"^<version>"` from the registry, as a published package is depended on. */
  | 'registry'
  /** `"file:<relative path>"` to this checkout (npm links it; nothing is fetched). */
  | 'link';

export interface ScaffoldOptions {
  name: string;
  /** Folder to create the project in (default: ./<name>). */
  directory?: string;
  homeRegion?: string;
  version?: string;
  /** Default: a checkout (a .git next to package.json) links itself, an installed package uses the registry. */
  toolDependency?: ToolDependency;
  /** Workflow code instead of the two-function starter (must declare `name` and `version`). */
  app?: string;
  /** The IAM policy document the functions get (default: CloudWatch Logs only). */
  iamPolicy?: unknown;
  /** Regions the solver may place functions in, besides the home region (default: any). */
  allowedRegions?: string[];
  memoryMB?: number;
  /** Share of runs kept in the home region (default 0.1; null leaves the setting out). */
  homeRunRatio?: number | null;
  /** Only app.ts and .caribou/ (a workflow inside a larger project, like make local's demo). */
  workflowOnly?: boolean;
  /** Replace the folder when it exists (make local regenerates its demo). */
  overwrite?: boolean;
}

export interface ToolPackage {
  name: string;
  version: string;
  root: string;
}

/** This package's published name and version (package.json). */
export function toolPackage(root: string = REPO_ROOT): ToolPackage {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name: string; version: string };
  return { name: pkg.name, version: pkg.version, root };
}

/** The dependency spec a new project uses for this package. */
export function toolDependencySpec(
  projectDir: string,
  kind: ToolDependency = isCheckout() ? 'link' : 'registry',
  tool: ToolPackage = toolPackage(),
): string {
  if (kind === 'registry') return `^${tool.version}`;
  const relative = path.relative(projectDir, tool.root).split(path.sep).join('/');
  return `file:${relative === '' ? '.' : relative}`;
}

/** True when this package runs from a source checkout rather than from an npm install. */
function isCheckout(root: string = REPO_ROOT): boolean {
  return existsSync(path.join(root, '.git')) && !root.split(path.sep).includes('node_modules');
}

function starterApp(name: string, version: string, sdk: string): string {
  return `// The ${name} workflow. Deploy with \`npm run deploy\`, run with \`npx caribou run ${name}-${version} -a '{"name": "world"}' --wait\`.
import { CaribouWorkflow } from '${sdk}';

export const workflow = new CaribouWorkflow({ name: '${name}', version: '${version}' });

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
`;
}

function starterTest(sdk: string): string {
  return `// Runs the workflow in memory through the real runtime (conditions, sync nodes, duplicates).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simulateProject } from '${sdk}/testing';

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
`;
}

/** .caribou/config.yml of a new workflow. */
export function workflowConfig(o: {
  name: string;
  version: string;
  homeRegion: string;
  allowedRegions?: string[];
  memoryMB?: number;
  homeRunRatio?: number | null;
}): string {
  const allowed = o.allowedRegions
    ? `\n${[o.homeRegion, ...o.allowedRegions.filter((r) => r !== o.homeRegion)].map((r) => `    - provider: aws\n      region: ${r}`).join('\n')}`
    : ' null';
  const ratio = o.homeRunRatio === undefined ? 0.1 : o.homeRunRatio;
  return `workflow_name: ${o.name}
workflow_version: ${o.version}
environment_variables: []
iam_policy_file: iam_policy.json
home_region:
  provider: aws
  region: ${o.homeRegion}
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
  allowed_regions:${allowed}
  disallowed_regions: null
  providers:
    aws:
      config:
        memory: ${o.memoryMB ?? 128}
        timeout: 60
${ratio === null ? '' : `# Share of runs kept entirely in the home region (a baseline for the solver).\nhome_region_run_ratio: ${ratio}\n`}`;
}

const LOGS_ONLY_POLICY = {
  aws: {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:*:*:*' },
    ],
  },
};

/** Writes the project and returns the files written (absolute paths). */
export function scaffoldWorkflow(options: ScaffoldOptions): string[] {
  const { name } = options;
  if (!WORKFLOW_NAME_RE.test(name)) throw new ValidationError(`workflow name "${name}" is invalid: 1-25 letters, digits or _ expected`);
  const dir = path.resolve(options.directory ?? name);
  if (existsSync(dir)) {
    if (!options.overwrite) throw new ValidationError(`${dir} already exists; choose another name or folder`);
    rmSync(dir, { recursive: true, force: true });
  }
  const version = options.version ?? '0.0.1';
  const region = options.homeRegion ?? 'us-east-1';
  const tool = toolPackage();
  const files: Record<string, string> = {
    'app.ts': options.app ?? starterApp(name, version, tool.name),
    '.caribou/config.yml': workflowConfig({
      name,
      version,
      homeRegion: region,
      allowedRegions: options.allowedRegions,
      memoryMB: options.memoryMB,
      homeRunRatio: options.homeRunRatio,
    }),
    '.caribou/iam_policy.json': `${JSON.stringify(options.iamPolicy ?? LOGS_ONLY_POLICY, null, 2)}\n`,
  };
  if (!options.workflowOnly) {
    files['test/app.test.ts'] = starterTest(tool.name);
    files['package.json'] = `${JSON.stringify(
      {
        name,
        version,
        private: true,
        type: 'module',
        scripts: {
          // The loader comes from the Caribou package, so the project needs no TypeScript tooling.
          test: `node --import ${tool.name}/register --test test/app.test.ts`,
          // `caribou` is the bin of the Caribou dependency (node_modules/.bin), never a registry lookup.
          deploy: 'caribou deploy .',
          check: 'caribou deploy . --check',
        },
        dependencies: { [tool.name]: toolDependencySpec(dir, options.toolDependency, tool) },
      },
      null,
      2,
    )}\n`;
    files['.gitignore'] = 'node_modules\n.caribou/build\n';
  }
  const written: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, text);
    written.push(target);
  }
  return written;
}
