// Every static-analysis rule: the forbidden pattern is rejected with its rule id and the exact
// file:line:column of the offending call, plus a hint.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { analyzeSource } from '../../../shared/analysis/analyze.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { WorkflowAnalysisError, type AnalysisDiagnostic } from '../../../shared/analysis/diagnostics.js';

const dirs: string[] = [];
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function project(app: string, extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'caribou-analysis-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'app.ts'), app);
  for (const [name, text] of Object.entries(extra)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

function diagnostics(app: string, extra: Record<string, string> = {}): AnalysisDiagnostic[] {
  const dir = project(app, extra);
  try {
    analyzeSource(path.join(dir, 'app.ts'), dir);
  } catch (error) {
    if (error instanceof WorkflowAnalysisError) return error.diagnostics;
    throw error;
  }
  assert.fail('expected the analysis to reject the workflow');
}

/** Asserts exactly one diagnostic of `rule` at the line/column of the marker `/*@*\/` in `app`. */
function expectAt(app: string, rule: string, extra: Record<string, string> = {}) {
  const marked = app.split('\n').findIndex((l) => l.includes('/*@*/'));
  assert.ok(marked >= 0, 'test source needs a /*@*/ marker');
  const column = app.split('\n')[marked]!.indexOf('/*@*/') + '/*@*/'.length + 1;
  const found = diagnostics(app, extra);
  const hit = found.filter((d) => d.rule === rule);
  assert.equal(hit.length, 1, `expected one ${rule}, got ${JSON.stringify(found, null, 1)}`);
  assert.equal(hit[0]!.line, marked + 1, 'line');
  assert.equal(hit[0]!.column, column, 'column');
  assert.ok(hit[0]!.file.endsWith('app.ts'));
  assert.ok(hit[0]!.hint.length > 10);
}

const HEAD = `import { CaribouWorkflow } from 'caribou-ts';
const workflow = new CaribouWorkflow({ name: 'wf', version: '0.0.1' });
const b = workflow.serverlessFunction({ name: 'b' }, (p: number) => p);
`;
const entry = (body: string) => `${HEAD}const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, async (p: number) => {
${body}
});
`;

test('a valid workflow analyses, with call sites in execution order through helpers', () => {
  const dir = project(`${HEAD}
function helper(x: number) { workflow.invokeServerlessFunction(b, x, x > 1); }
const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, (p: number) => {
  workflow.invokeServerlessFunction(b, p);
  helper(p);
  if (p > 3) console.log('plain code in if is fine');
});
`);
  const result = analyzeSource(path.join(dir, 'app.ts'), dir);
  const a = result.functions.find((f) => f.name === 'a')!;
  assert.deepEqual(
    a.callSites.map((s) => [s.target, s.conditional, s.location.line]),
    [
      ['b', false, 7],
      ['b', true, 5],
    ],
  );
});

test('helpers in other project modules are followed', () => {
  const dir = project(
    `${HEAD}import { fanOut } from './src/helpers.js';
export { b, workflow };
const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, (p: number) => { fanOut(p); });
`,
    {
      'src/helpers.ts': `import { workflow, b } from '../app.js';\nexport function fanOut(p: number) { workflow.invokeServerlessFunction(b, p); workflow.invokeServerlessFunction(b, p); }\n`,
    },
  );
  const result = analyzeSource(path.join(dir, 'app.ts'), dir);
  assert.equal(result.functions.find((f) => f.name === 'a')!.callSites.length, 2);
});

test('getPredecessorData in a helper makes a sync node', () => {
  const dir = project(`${HEAD}
async function gather() { return workflow.getPredecessorData(); }
const s = workflow.serverlessFunction({ name: 's' }, async () => { await gather(); });
const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, () => { workflow.invokeServerlessFunction(s, 1); });
`);
  const result = analyzeSource(path.join(dir, 'app.ts'), dir);
  assert.equal(result.functions.find((f) => f.name === 's')!.isSync, true);
  assert.equal(result.functions.find((f) => f.name === 'b')!.isSync, false);
});

test('rejects an invoke inside if', () =>
  expectAt(entry(`  if (p > 1) /*@*/workflow.invokeServerlessFunction(b, p);`), 'invoke-in-conditional'));
test('rejects an invoke inside else', () =>
  expectAt(entry(`  if (p > 1) console.log(p);\n  else { /*@*/workflow.invokeServerlessFunction(b, p); }`), 'invoke-in-conditional'));
test('rejects an invoke inside switch', () =>
  expectAt(entry(`  switch (p) { case 1: /*@*/workflow.invokeServerlessFunction(b, p); }`), 'invoke-in-conditional'));
test('rejects an invoke inside for', () =>
  expectAt(entry(`  for (let i = 0; i < p; i++) { /*@*/workflow.invokeServerlessFunction(b, i); }`), 'invoke-in-conditional'));
test('rejects an invoke inside for-of', () =>
  expectAt(entry(`  for (const i of [1, 2]) /*@*/workflow.invokeServerlessFunction(b, i);`), 'invoke-in-conditional'));
test('rejects an invoke inside while', () =>
  expectAt(entry(`  while (p-- > 0) /*@*/workflow.invokeServerlessFunction(b, p);`), 'invoke-in-conditional'));
test('rejects an invoke inside do-while', () =>
  expectAt(entry(`  do { /*@*/workflow.invokeServerlessFunction(b, p); } while (false);`), 'invoke-in-conditional'));
test('rejects an invoke in a ternary', () =>
  expectAt(entry(`  const x = p > 1 ? /*@*/workflow.invokeServerlessFunction(b, p) : undefined;`), 'invoke-in-conditional'));
test('rejects an invoke after &&', () =>
  expectAt(entry(`  p > 1 && /*@*/workflow.invokeServerlessFunction(b, p);`), 'invoke-in-conditional'));
test('rejects an invoke in a callback', () =>
  expectAt(entry(`  [1, 2].forEach((i) => /*@*/workflow.invokeServerlessFunction(b, i));`), 'invoke-in-conditional'));
test('rejects an invoke inside try', () =>
  expectAt(entry(`  try { /*@*/workflow.invokeServerlessFunction(b, p); } catch { }`), 'invoke-in-conditional'));
test('rejects an invoke inside catch', () =>
  expectAt(entry(`  try { p++; } catch { /*@*/workflow.invokeServerlessFunction(b, p); }`), 'invoke-in-conditional'));
test('rejects a call inside if to a helper that invokes', () =>
  expectAt(
    `${HEAD}function helper(x: number) { workflow.invokeServerlessFunction(b, x); }
const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, (p: number) => {
  if (p) { /*@*/helper(p); }
});
`,
    'invoke-in-conditional',
  ));
test('rejects a callee that is not a registered function', () =>
  expectAt(entry(`  const other = { name: 'b' } as any;\n  workflow.invokeServerlessFunction(/*@*/other, p);`), 'unknown-callee'));
test('rejects no entry point', () =>
  expectAt(
    `import { CaribouWorkflow } from 'caribou-ts';
const workflow = /*@*/new CaribouWorkflow({ name: 'wf', version: '0.0.1' });
const b = workflow.serverlessFunction({ name: 'b' }, (p: number) => p);
`,
    'no-entry-point',
  ));
test('rejects several entry points', () =>
  expectAt(
    `${HEAD}const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, () => 1);
const c = /*@*/workflow.serverlessFunction({ name: 'c', entryPoint: true }, () => 1);
`,
    'several-entry-points',
  ));
test('rejects a sync node as entry point', () =>
  expectAt(
    `${HEAD}const a = /*@*/workflow.serverlessFunction({ name: 'a', entryPoint: true }, async () => { await workflow.getPredecessorData(); });
`,
    'sync-entry-point',
  ));
test('rejects a cycle', () =>
  expectAt(
    `import { CaribouWorkflow } from 'caribou-ts';
const workflow = new CaribouWorkflow({ name: 'wf', version: '0.0.1' });
const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, () => { workflow.invokeServerlessFunction(b, 1); });
const b = workflow.serverlessFunction({ name: 'b' }, () => { workflow.invokeServerlessFunction(c, 1); });
const c = workflow.serverlessFunction({ name: 'c' }, () => { /*@*/workflow.invokeServerlessFunction(b, 1); });
`,
    'cycle',
  ));
test('rejects a self call', () =>
  expectAt(
    `import { CaribouWorkflow } from 'caribou-ts';
const workflow = new CaribouWorkflow({ name: 'wf', version: '0.0.1' });
const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, (): void => { /*@*/workflow.invokeServerlessFunction(a, 1); });
`,
    'cycle',
  ));
test('rejects a function name over 20 characters', () =>
  expectAt(
    `${HEAD}const a = workflow.serverlessFunction(/*@*/{ name: 'a_name_that_is_far_too_long', entryPoint: true }, () => 1);
`,
    'function-name',
  ));
test('rejects duplicate function names', () =>
  expectAt(
    `${HEAD}const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, () => 1);
const a2 = /*@*/workflow.serverlessFunction({ name: 'a' }, () => 1);
`,
    'duplicate-function',
  ));
test('rejects non-literal options', () =>
  expectAt(
    `${HEAD}const n = String(1);
const a = workflow.serverlessFunction({ name: /*@*/n, entryPoint: true }, () => 1);
`,
    'function-options',
  ));
test('rejects an invoke outside any handler', () =>
  expectAt(
    `${HEAD}const a = workflow.serverlessFunction({ name: 'a', entryPoint: true }, () => 1);
/*@*/workflow.invokeServerlessFunction(b, 1);
`,
    'invoke-outside-handler',
  ));
test('rejects a missing workflow', () => {
  const found = diagnostics(`export const x = 1;\n`);
  assert.equal(found[0]!.rule, 'no-workflow');
  assert.equal(found[0]!.line, 1);
});
test('rejects reserved environment variables', () =>
  expectAt(
    `${HEAD}const a = workflow.serverlessFunction(/*@*/{ name: 'a', entryPoint: true, environmentVariables: [{ key: 'AWS_REGION', value: 'x' }] }, () => 1);
`,
    'reserved-env',
  ));

// Project-level rules: names and versions over the limits, config.yml.
const CONFIG = (name: string, version: string, extra = '') => `workflow_name: ${name}
workflow_version: "${version}"
iam_policy_file: iam_policy.json
home_region: { provider: aws, region: us-east-1 }
regions_and_providers:
  allowed_regions: null
  disallowed_regions: null
  providers:
    aws:
      config: { memory: 128, timeout: 30 }
${extra}`;
const POLICY = JSON.stringify({ aws: { Version: '2012-10-17', Statement: [] } });
function projectErrors(name: string, version: string, configText = CONFIG(name, version), fnName = 'a'): string {
  const dir = project(
    `import { CaribouWorkflow } from 'caribou-ts';
const workflow = new CaribouWorkflow({ name: '${name}', version: '${version}' });
const a = workflow.serverlessFunction({ name: '${fnName}', entryPoint: true }, () => 1);
`,
    { '.caribou/config.yml': configText, '.caribou/iam_policy.json': POLICY },
  );
  try {
    analyzeProject(dir);
  } catch (error) {
    return (error as Error).message;
  }
  return '';
}

test('a minimal project passes', () => assert.equal(projectErrors('wf', '0.0.1'), ''));
test('rejects a workflow name over 25 characters', () =>
  assert.match(projectErrors('w'.repeat(26), '0.0.1'), /app\.ts:2:\d+: error \[workflow-name\]/));
test('rejects a version over 10 characters or with letters', () => {
  assert.match(projectErrors('wf', '0.0.1.2.3.4'), /\[workflow-version\]/);
  assert.match(projectErrors('wf', '1.0-beta'), /\[workflow-version\]/);
});
test('rejects a Lambda name over 64 characters', () =>
  assert.match(projectErrors('w'.repeat(25), '0.0.1.2.3', undefined, 'f'.repeat(20)), /\[name-too-long\].*is 7\d chars/));
test('rejects a config.yml whose name differs from the code', () =>
  assert.match(projectErrors('wf', '0.0.1', CONFIG('other', '0.0.1')), /\[config-mismatch\]/));
test('rejects an invalid config.yml with its line', () => {
  const message = projectErrors('wf', '0.0.1', CONFIG('wf', '0.0.1').replace('memory: 128', 'memory: lots'));
  assert.match(message, /config\.yml:10:\d+: .*memory/);
});
test('rejects unparsable YAML with its line', () =>
  assert.match(projectErrors('wf', '0.0.1', 'workflow_name: [\n'), /config\.yml:\d+:\d+: invalid YAML/));
test('rejects a disallowed home region and unknown keys', () => {
  const message = projectErrors(
    'wf',
    '0.0.1',
    CONFIG('wf', '0.0.1').replace('disallowed_regions: null', 'disallowed_regions: [{ provider: aws, region: us-east-1 }]') +
      'unexpected_key: 1\n',
  );
  assert.match(message, /unexpected_key|Unrecognized key/);
});
test('rejects a disallowed home region', () => {
  const message = projectErrors(
    'wf',
    '0.0.1',
    CONFIG('wf', '0.0.1').replace('disallowed_regions: null', 'disallowed_regions: [{ provider: aws, region: us-east-1 }]'),
  );
  assert.match(message, /home region cannot be disallowed/);
});
