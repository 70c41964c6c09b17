// The example workflows run through the real runtime wrapper with in-memory ports: the conditional
// branches, sync-node firing and what each sync node received, also when every message is
// delivered twice or in reverse order.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { simulateWorkflow, type SimulationOptions } from '../../../shared/runtime/memory.js';
import type { CaribouWorkflow } from '../../../shared/sdk/workflow.js';
import * as smallSync from '../../../examples/small_sync_example/app.js';
import * as imageProcessing from '../../../examples/image_processing/app.js';
import * as mapReduce from '../../../examples/map_reduce/app.js';
import * as t2s from '../../../examples/text_2_speech_censoring/app.js';

const deployed = (dir: string, workflow: CaribouWorkflow) => ({ workflow, dag: analyzeProject(`examples/${dir}`).dag });
const short = (instances: string[], wf: string) => instances.map((i) => i.replaceAll(`${wf}-0_0_1-`, '')).sort();

const MODES: [string, SimulationOptions][] = [
  ['in order', {}],
  ['every message twice', { duplicateEveryMessage: true }],
  ['reversed and twice', { duplicateEveryMessage: true, reverseOrder: true }],
];

const small = deployed('small_sync_example', smallSync.workflow);
for (const [mode, options] of MODES) {
  for (const e1 of [true, false]) {
    for (const e2 of [true, false]) {
      for (const e3 of [true, false]) {
        test(`small_sync_example truth table (${mode}): execute ${e1}/${e2}/${e3}`, async () => {
          const run = await simulateWorkflow(small, { execute_1: e1, execute_2: e2, execute_3: e3 }, { ...options, random: () => 0.5 });
          const ran = run.executed.map((i) => small.dag.instances[i]!.function_name);
          assert.equal(ran.filter((f) => f === 'initial_function').length, 1);
          assert.equal(ran.filter((f) => f === 'syncFunction').length, e1 || e2 ? 1 : 0, 'syncFunction runs iff execute_1 || execute_2');
          assert.equal(
            ran.filter((f) => f === 'secondSyncFunction').length,
            e1 || e2 || e3 ? 1 : 0,
            'secondSyncFunction runs unless all are false',
          );
          const syncInstance = 'small_sync_example-0_0_1-syncFunction:sync:1';
          if (e1 || e2) {
            const received = (run.results[syncInstance] as { received: { call_site: number }[] }).received;
            assert.deepEqual(
              received.map((m) => m.call_site),
              [...(e1 ? [0] : []), ...(e2 ? [1] : [])],
            );
          }
          const second = 'small_sync_example-0_0_1-secondSyncFunction:sync:3';
          if (e1 || e2 || e3) {
            const received = (run.results[second] as { received: { from: string }[] }).received;
            assert.deepEqual(
              received.map((m) => m.from),
              [...(e3 ? ['initial_function'] : []), ...(e1 || e2 ? ['syncFunction'] : [])],
            );
          }
          if (options.duplicateEveryMessage) assert.ok(run.duplicatesIgnored >= 1);
        });
      }
    }
  }
}

const image = deployed('image_processing', imageProcessing.workflow);
for (const count of [0, 1, 3, 5]) {
  test(`image_processing runs one processor per requested transformation (${count}), duplicates ignored`, async () => {
    const wanted = imageProcessing.TRANSFORMATIONS.slice(0, count);
    const run = await simulateWorkflow(image, { desired_transformations: wanted }, { duplicateEveryMessage: true });
    const processors = run.executed.filter((i) => image.dag.instances[i]!.function_name === 'image_processor');
    assert.equal(processors.length, count);
    assert.deepEqual(processors.map((i) => (run.results[i] as { transformation: string }).transformation).sort(), [...wanted].sort());
  });
}

const mr = deployed('map_reduce', mapReduce.workflow);
for (const [words, mappers, reducers] of [
  [4, 1, 1],
  [20, 3, 2],
  [60, 6, 2],
] as const) {
  test(`map_reduce with ${words} words: ${mappers} mappers, ${reducers} reducers, one output (duplicates)`, async () => {
    const text = Array.from({ length: words }, (_, i) => `w${i % 5}`).join(' ');
    const run = await simulateWorkflow(mr, { text }, { duplicateEveryMessage: true, reverseOrder: words === 20 });
    const fns = run.executed.map((i) => mr.dag.instances[i]!.function_name);
    assert.equal(fns.filter((f) => f === 'mapper').length, mappers);
    assert.equal(fns.filter((f) => f === 'shuffler').length, 1);
    assert.equal(fns.filter((f) => f === 'reducer').length, reducers);
    assert.equal(fns.filter((f) => f === 'output_processor').length, 1);
    assert.deepEqual(run.results['map_reduce-0_0_1-shuffler:sync:7'], { mappers });
    assert.deepEqual(run.results['map_reduce-0_0_1-output_processor:sync:15'], { words: Math.min(5, words), total: words });
  });
}

const speech = deployed('text_2_speech_censoring', t2s.workflow);
test("text_2_speech_censoring: censor runs once with both paths' data (duplicates, reversed)", async () => {
  for (const options of MODES.map(([, o]) => o)) {
    const run = await simulateWorkflow(speech, { message: 'oh heck that darn thing' }, options);
    assert.deepEqual(short(run.executed, 'text_2_speech_censoring'), [
      'censor:sync:4',
      'encoding:text_2_speech_1_0:3',
      'get_input:entry_point:0',
      'profanity:get_input_0_1:2',
      'text_2_speech:get_input_0_0:1',
    ]);
    assert.deepEqual(
      run.results['text_2_speech_censoring-0_0_1-censor:sync:4'] && {
        ...(run.results['text_2_speech_censoring-0_0_1-censor:sync:4'] as object),
        checksum: 0,
      },
      {
        samples: 'oh heck that darn thing'.length,
        bleeped: 2,
        checksum: 0,
      },
    );
  }
});
