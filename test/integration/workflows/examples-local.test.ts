// Every example deployed to local mode (real Lambda API, SQS, DynamoDB, S3, CloudWatch Logs on the
// emulator; functions run by the local runtime), run with inputs that exercise every conditional
// branch while every message is sent twice (fault injection), then removed: asserts which functions
// ran, what each sync node received, that the duplicates were ignored, and that nothing is left.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, functionLogs } from '../harness/index.js';
import { startWorkflowSuite, resourcesOf, NO_RESOURCES, type WorkflowSuite } from './local.js';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { physicalName } from '../../../shared/analysis/names.js';
import { deployWorkflow } from '../../../shared/workflows/deploy.js';
import { removeWorkflow } from '../../../shared/workflows/remove.js';
import { runWorkflow } from '../../../shared/workflows/run.js';
import { followRun, parseRuntimeLine, type RunReport } from '../../../shared/workflows/follow.js';

let suite: WorkflowSuite;
before(async () => {
  suite = await startWorkflowSuite('wf-examples');
});
after(async () => suite?.local.stop());

const DUPLICATES = { extraEnvironment: { CARIBOU_FAULT_DUPLICATE_SENDS: 'true' } };

async function deploy(example: string): Promise<string> {
  const result = await deployWorkflow(analyzeProject(`examples/${example}`), suite.deps, DUPLICATES);
  return result.workflowId;
}

/** Starts all runs at once (local mode runs them concurrently), then follows each to its end. */
async function runAll(workflowId: string, inputs: unknown[]): Promise<RunReport[]> {
  const started = new Date();
  const runs = await Promise.all(inputs.map((argument) => runWorkflow({ workflowId, argument: JSON.stringify(argument) }, suite.deps)));
  const reports: RunReport[] = [];
  for (const run of runs) reports.push(await followRun(workflowId, run.runId, started, { timeoutS: 90, pollMs: 500 }, suite.deps));
  for (const report of reports) assert.equal(report.status, 'succeeded', JSON.stringify(report));
  return reports;
}

const functionsRan = (report: RunReport) => report.instances.map((i) => i.function).sort();

async function linesOf(workflow: string, fn: string, runId: string): Promise<Record<string, unknown>[]> {
  const messages = await functionLogs(physicalName(suite.deps.controlPlane.stackPrefix, workflow, '0.0.1', fn, 'us-east-1'));
  return messages
    .map((m) => {
      const start = m.indexOf('{');
      try {
        return start >= 0 ? (JSON.parse(m.slice(start)) as Record<string, unknown>) : undefined;
      } catch {
        return undefined;
      }
    })
    .filter((l): l is Record<string, unknown> => l !== undefined && l.run_id === runId);
}
const received = async (workflow: string, fn: string, runId: string) =>
  (await linesOf(workflow, fn, runId)).filter((l) => l.example_event === 'SYNC_RECEIVED').map((l) => l.received);

async function expectDuplicatesIgnored(workflow: string, fns: string[], runId: string) {
  await eventually(async () => {
    let duplicates = 0;
    for (const fn of fns)
      duplicates += (await linesOf(workflow, fn, runId)).filter(
        (l) => parseRuntimeLine(JSON.stringify(l))?.caribou_event === 'DUPLICATE_DELIVERY',
      ).length;
    assert.ok(duplicates >= 1, `duplicates of run ${runId} were delivered and ignored`);
  }, 20_000);
}

async function removeAndCheck(workflowId: string, workflow: string) {
  await removeWorkflow({ workflowId }, suite.deps);
  assert.deepEqual(await resourcesOf(workflow, workflowId, suite.deps), NO_RESOURCES);
}

test('small_sync_example: the truth table holds with every message sent twice', async () => {
  const id = await deploy('small_sync_example');
  const combos = [true, false].flatMap((e1) =>
    [true, false].flatMap((e2) => [true, false].map((e3) => ({ execute_1: e1, execute_2: e2, execute_3: e3 }))),
  );
  const reports = await runAll(id, combos);
  for (const [i, input] of combos.entries()) {
    const report = reports[i]!;
    const { execute_1: e1, execute_2: e2, execute_3: e3 } = input;
    const expected = ['initial_function', ...(e1 || e2 || e3 ? ['secondSyncFunction'] : []), ...(e1 || e2 ? ['syncFunction'] : [])].sort();
    assert.deepEqual(functionsRan(report), expected, `execute ${e1}/${e2}/${e3}`);
    if (e1 || e2) {
      const got = await received('small_sync_example', 'syncFunction', report.run_id);
      assert.equal(got.length, 1, 'syncFunction ran once');
      assert.deepEqual(
        (got[0] as { call_site: number }[]).map((m) => m.call_site),
        [...(e1 ? [0] : []), ...(e2 ? [1] : [])],
      );
    }
    if (e1 || e2 || e3) {
      const got = await received('small_sync_example', 'secondSyncFunction', report.run_id);
      assert.equal(got.length, 1, 'secondSyncFunction ran once');
      assert.deepEqual(
        (got[0] as { from: string }[]).map((m) => m.from),
        [...(e3 ? ['initial_function'] : []), ...(e1 || e2 ? ['syncFunction'] : [])],
      );
    }
  }
  await expectDuplicatesIgnored('small_sync_example', ['initial_function', 'syncFunction', 'secondSyncFunction'], reports[0]!.run_id);
  await removeAndCheck(id, 'small_sync_example');
});

test('image_processing: one processor per requested transformation', async () => {
  const id = await deploy('image_processing');
  const counts = [0, 2, 5];
  const all = ['flip', 'rotate', 'blur', 'greyscale', 'resize'];
  const reports = await runAll(
    id,
    counts.map((n) => ({ desired_transformations: all.slice(0, n) })),
  );
  for (const [i, n] of counts.entries()) {
    assert.deepEqual(functionsRan(reports[i]!), ['get_requests', ...Array(n).fill('image_processor')]);
  }
  await expectDuplicatesIgnored('image_processing', ['get_requests', 'image_processor'], reports[2]!.run_id);
  await removeAndCheck(id, 'image_processing');
});

test('text_2_speech_censoring: censor waits for both paths and runs once', async () => {
  const id = await deploy('text_2_speech_censoring');
  const [report] = await runAll(id, [{ message: 'well heck that darn demo' }]);
  assert.deepEqual(functionsRan(report!), ['censor', 'encoding', 'get_input', 'profanity', 'text_2_speech']);
  const got = await received('text_2_speech_censoring', 'censor', report!.run_id);
  assert.deepEqual(got, [['profanity', 'speech']]);
  await expectDuplicatesIgnored(
    'text_2_speech_censoring',
    ['get_input', 'text_2_speech', 'profanity', 'encoding', 'censor'],
    report!.run_id,
  );
  await removeAndCheck(id, 'text_2_speech_censoring');
});

test('map_reduce: conditional mappers, one shuffle, one or two reducers, one output', async () => {
  const id = await deploy('map_reduce');
  const cases = [
    { words: 4, mappers: 1, reducers: 1 },
    { words: 20, mappers: 3, reducers: 2 },
    { words: 60, mappers: 6, reducers: 2 },
  ];
  const reports = await runAll(
    id,
    cases.map((c) => ({ text: Array.from({ length: c.words }, (_, i) => `w${i % 5}`).join(' ') })),
  );
  for (const [i, c] of cases.entries()) {
    const ran = functionsRan(reports[i]!);
    assert.equal(ran.filter((f) => f === 'mapper').length, c.mappers);
    assert.equal(ran.filter((f) => f === 'reducer').length, c.reducers);
    assert.equal(ran.filter((f) => f === 'shuffler').length, 1);
    assert.equal(ran.filter((f) => f === 'output_processor').length, 1);
    assert.deepEqual(await received('map_reduce', 'shuffler', reports[i]!.run_id), [[{ mappers: c.mappers }]]);
    assert.deepEqual(await received('map_reduce', 'output_processor', reports[i]!.run_id), [
      [{ words: Math.min(5, c.words), parts: c.reducers }],
    ]);
  }
  await removeAndCheck(id, 'map_reduce');
});
