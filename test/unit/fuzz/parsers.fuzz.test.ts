// Property-based fuzzing of the parsers in front of the system: SQS/EventBridge envelopes,
// `config.yml`, and workflow source for the static analysis. Invariant: bad input is a typed
// error with a location or field (ValidationError / ConfigError / WorkflowAnalysisError), never a crash.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify as toYaml, parse as parseYaml } from 'yaml';
import { unwrapBody, unwrapEvent } from '../../../shared/aws/sqs-envelope.js';
import { ConfigError, parseWorkflowConfig } from '../../../shared/analysis/config.js';
import { analyzeSource } from '../../../shared/analysis/analyze.js';
import { WorkflowAnalysisError } from '../../../shared/analysis/diagnostics.js';
import { ValidationError } from '../../../shared/errors.js';
import { junk, mutate } from './arbitraries.js';

const RUNS = Number(process.env.CARIBOU_FUZZ_RUNS ?? 150);
const dirs: string[] = [];
process.on('exit', () => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'caribou-fuzz-'));
  dirs.push(dir);
  return dir;
};

async function check<T>(t: { diagnostic(m: string): void }, name: string, arb: fc.Arbitrary<T>, property: (value: T) => void, runs = RUNS) {
  let tried = 0;
  fc.assert(
    fc.property(arb, (value) => {
      tried += 1;
      property(value);
    }),
    { numRuns: runs },
  );
  t.diagnostic(`${name}: ${tried} inputs tried`);
}

test('SQS bodies: any text is unwrapped or refused with a ValidationError; EventBridge events keep source and detail', async (t) => {
  const eventBridge = fc.record({ id: fc.string(), source: fc.string(), 'detail-type': fc.string(), detail: junk });
  const body = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    junk.map((j) => JSON.stringify(j) ?? ''),
    eventBridge.map((e) => JSON.stringify(e)),
  );
  await check(t, 'SQS bodies', body, (text) => {
    try {
      const out = unwrapBody(text);
      const parsed = JSON.parse(text);
      if (parsed && typeof parsed === 'object' && 'detail-type' in parsed && 'detail' in parsed && 'source' in parsed)
        assert.equal(out.source, parsed.source);
      else assert.equal(out.source, undefined);
    } catch (error) {
      assert.ok(error instanceof ValidationError, String(error));
      assert.match(error.message, /message body is not JSON/);
    }
  });
  await check(t, 'direct events', junk, (value) => void unwrapEvent(value));
});

const project = tempDir();
mkdirSync(path.join(project, '.caribou'));
writeFileSync(path.join(project, '.caribou', 'iam_policy.json'), JSON.stringify({ aws: { Version: '2012-10-17', Statement: [] } }));
const exampleConfig = parseYaml(
  readFileSync(new URL('../../../examples/small_sync_example/.caribou/config.yml', import.meta.url), 'utf8'),
) as Record<string, unknown>;

function parseConfig(text: string): 'ok' | 'refused' {
  try {
    parseWorkflowConfig(text, 'config.yml', project);
    return 'ok';
  } catch (error) {
    assert.ok(error instanceof ConfigError, `${String(error)}\n--- for ---\n${text}`);
    for (const problem of error.problems) {
      assert.ok(problem.line >= 1 && problem.column >= 1, JSON.stringify(problem));
      assert.ok(problem.message.length > 0);
    }
    return 'refused';
  }
}

test('config.yml: the example passes; mutated configs and arbitrary text are accepted or refused with file:line:column, never a crash', async (t) => {
  assert.equal(parseConfig(toYaml(exampleConfig)), 'ok');
  // Found by this property: an alias to no anchor threw a ReferenceError out of the parser.
  assert.equal(parseConfig('*a'), 'refused');
  const laughs = [
    'a: &a [x, x, x, x, x, x, x, x, x, x]',
    ...Array.from(
      { length: 8 },
      (_, i) =>
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
    ),
  ].join('\n');
  assert.equal(parseConfig(laughs), 'refused', 'an alias bomb is refused, not expanded');
  const mutatedConfig = mutate(fc.constant(exampleConfig)).map((c) => toYaml(c));
  await check(t, 'mutated config.yml', mutatedConfig, (text) => void parseConfig(text));
  const yamlish = fc
    .array(
      fc.oneof(
        fc.string(),
        fc.constantFrom(
          'workflow_name:',
          '  - ',
          'providers:',
          '&a',
          '*a',
          '!!binary',
          '? ',
          '{',
          '[',
          '"',
          '\t',
          '---',
          'home_region: {provider: aws}',
        ),
      ),
      { maxLength: 12 },
    )
    .map((parts) => parts.join('\n'));
  await check(t, 'arbitrary config.yml text', fc.oneof(fc.string(), yamlish), (text) => void parseConfig(text));
});

// ---- workflow source ------------------------------------------------------------------------

const fnNames = ['a', 'b', 'c', 'd'];
const callee = fc.constantFrom(...fnNames, 'undefined', 'other', '(b as any)', 'workflow');
const invoke = fc.tuple(callee, fc.boolean()).map(([c, cond]) => `workflow.invokeServerlessFunction(${c}, p${cond ? ', p > 1' : ''});`);
const statement: fc.Arbitrary<string> = fc.letrec<{ stmt: string }>((tie) => ({
  stmt: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    invoke,
    fc.constantFrom(
      'await workflow.getPredecessorData();',
      'helper(p);',
      'console.log(p);',
      'return p;',
      'p++;',
      'throw new Error("x");',
      '',
      ';',
      '}',
      '{',
      '(',
      'workflow.',
      '@@',
    ),
    fc
      .tuple(fc.constantFrom('if (p > 1)', 'for (const i of [1])', 'while (p-- > 0)', 'try', 'switch (p) { case 1:'), tie('stmt'))
      .map(([head, body]) => `${head} { ${body} }${head === 'try' ? ' catch {}' : head.startsWith('switch') ? ' }' : ''}`),
    tie('stmt').map((s) => `[1].forEach(() => { ${s} });`),
  ),
})).stmt;
const functionDecl = (name: string) =>
  fc
    .tuple(fc.array(statement, { maxLength: 4 }), fc.boolean(), fc.boolean())
    .map(
      ([body, entry, asyncFn]) =>
        `const ${name} = workflow.serverlessFunction({ name: '${name}'${entry ? ', entryPoint: true' : ''} }, ${asyncFn ? 'async ' : ''}(p: number) => {\n  ${body.join('\n  ')}\n});`,
    );
const source = fc
  .tuple(fc.subarray(fnNames, { minLength: 1 }), fc.constantFrom('wf', 'bad name', ''), fc.boolean(), fc.array(statement, { maxLength: 2 }))
  .chain(([names, wfName, withHelper, helperBody]) =>
    fc
      .tuple(...names.map(functionDecl))
      .map(
        (decls) =>
          `import { CaribouWorkflow } from 'caribou-ts';\nconst workflow = new CaribouWorkflow({ name: '${wfName}', version: '0.0.1' });\n${withHelper ? `function helper(p: number) { ${helperBody.join(' ')} }\n` : ''}${decls.join('\n')}\n`,
      ),
  );

test('workflow source: generated small sources analyse to a DAG or to diagnostics with rule and location, never a crash', async (t) => {
  const dir = tempDir();
  const file = path.join(dir, 'app.ts');
  let analysed = 0;
  let diagnosed = 0;
  await check(
    t,
    'workflow sources',
    source,
    (text) => {
      writeFileSync(file, text);
      try {
        analyzeSource(file, dir);
        analysed += 1;
      } catch (error) {
        assert.ok(error instanceof WorkflowAnalysisError, `${String((error as Error)?.stack ?? error)}\n--- for ---\n${text}`);
        assert.ok(error.diagnostics.length > 0);
        for (const d of error.diagnostics) assert.ok(d.rule && d.line >= 1 && d.column >= 1 && d.message, JSON.stringify(d));
        diagnosed += 1;
      }
    },
    Math.max(10, Math.ceil(RUNS / 6)),
  );
  t.diagnostic(`workflow sources: ${analysed} analysed, ${diagnosed} refused with diagnostics`);
});
