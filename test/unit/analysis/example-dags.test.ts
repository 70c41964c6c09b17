// The logical DAG of every example: instance names (caribou-spec §4.3 with the sync index filled
// in), edges per call site, and the call sites a sync node waits for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeProject } from '../../../shared/analysis/project.js';
import type { WorkflowDag } from '../../../shared/analysis/dag.js';

function shape(dir: string) {
  const { dag } = analyzeProject(`examples/${dir}`);
  const strip = (s: string) => s.replaceAll(`${dag.workflow_name}-0_0_1-`, '');
  const find = (short: string) => Object.values(dag.instances).find((i) => strip(i.instance_name) === short)!;
  return {
    dag,
    instances: Object.keys(dag.instances).map(strip),
    edges: Object.values(dag.edges).map((e) => `${strip(e.from)} -${e.call_site}-> ${strip(e.to)}`),
    syncWaits: (instance: string) => find(instance).incoming_edges.map(strip),
    deps: (instance: string) => find(instance).dependent_sync_predecessors.map((p) => p.map(strip)),
  };
}

const syncOf = (dag: WorkflowDag) =>
  Object.values(dag.instances)
    .filter((i) => i.is_sync)
    .map((i) => i.function_name);

test('image_processing: entry plus 5 conditional processor instances, no sync', () => {
  const s = shape('image_processing');
  assert.deepEqual(s.instances, [
    'get_requests:entry_point:0',
    ...[0, 1, 2, 3, 4].map((k) => `image_processor:get_requests_0_${k}:${k + 1}`),
  ]);
  assert.deepEqual(
    s.edges,
    [0, 1, 2, 3, 4].map((k) => `get_requests:entry_point:0 -${k}-> image_processor:get_requests_0_${k}:${k + 1}`),
  );
  assert.ok(Object.values(s.dag.edges).every((e) => e.conditional));
  assert.deepEqual(syncOf(s.dag), []);
  assert.equal(s.dag.workflow_id, 'image_processing-0.0.1');
});

test('text_2_speech_censoring: two paths of different length into censor', () => {
  const s = shape('text_2_speech_censoring');
  assert.deepEqual(s.instances, [
    'get_input:entry_point:0',
    'text_2_speech:get_input_0_0:1',
    'profanity:get_input_0_1:2',
    'encoding:text_2_speech_1_0:3',
    'censor:sync:4',
  ]);
  assert.deepEqual(s.edges, [
    'get_input:entry_point:0 -0-> text_2_speech:get_input_0_0:1',
    'get_input:entry_point:0 -1-> profanity:get_input_0_1:2',
    'text_2_speech:get_input_0_0:1 -0-> encoding:text_2_speech_1_0:3',
    'profanity:get_input_0_1:2 -0-> censor:sync:4',
    'encoding:text_2_speech_1_0:3 -0-> censor:sync:4',
  ]);
  assert.deepEqual(s.syncWaits('censor:sync:4'), ['profanity:get_input_0_1:2#0', 'encoding:text_2_speech_1_0:3#0']);
  assert.deepEqual(s.dag.instances[s.dag.entry_instance]!.dependent_sync_predecessors.length, 2);
  assert.deepEqual(s.deps('text_2_speech:get_input_0_0:1'), [['encoding:text_2_speech_1_0:3', 'censor:sync:4']]);
});

test('map_reduce: 6 mappers → shuffler → 2 reducers → output_processor, 16 edges', () => {
  const s = shape('map_reduce');
  assert.deepEqual(s.instances, [
    'input_processor:entry_point:0',
    ...[0, 1, 2, 3, 4, 5].map((k) => `mapper:input_processor_0_${k}:${k + 1}`),
    'shuffler:sync:7',
    'reducer:shuffler_7_0:13',
    'reducer:shuffler_7_1:14',
    'output_processor:sync:15',
  ]);
  assert.equal(s.edges.length, 16);
  assert.deepEqual(
    s.syncWaits('shuffler:sync:7'),
    [0, 1, 2, 3, 4, 5].map((k) => `mapper:input_processor_0_${k}:${k + 1}#0`),
  );
  assert.deepEqual(s.syncWaits('output_processor:sync:15'), ['reducer:shuffler_7_0:13#0', 'reducer:shuffler_7_1:14#0']);
  assert.deepEqual(
    Object.values(s.dag.edges)
      .filter((e) => e.conditional)
      .map((e) => e.edge_id.replaceAll('map_reduce-0_0_1-', '')),
    [1, 2, 3, 4, 5].map((k) => `input_processor:entry_point:0#${k}`).concat(['shuffler:sync:7#1']),
  );
  assert.deepEqual(syncOf(s.dag), ['shuffler', 'output_processor']);
});

test('small_sync_example: two call sites from one predecessor into syncFunction are two edges', () => {
  const s = shape('small_sync_example');
  assert.deepEqual(s.instances, ['initial_function:entry_point:0', 'syncFunction:sync:1', 'secondSyncFunction:sync:3']);
  assert.deepEqual(s.edges, [
    'initial_function:entry_point:0 -0-> syncFunction:sync:1',
    'initial_function:entry_point:0 -1-> syncFunction:sync:1',
    'initial_function:entry_point:0 -2-> secondSyncFunction:sync:3',
    'syncFunction:sync:1 -0-> secondSyncFunction:sync:3',
  ]);
  assert.deepEqual(s.syncWaits('syncFunction:sync:1'), ['initial_function:entry_point:0#0', 'initial_function:entry_point:0#1']);
  assert.deepEqual(s.syncWaits('secondSyncFunction:sync:3'), ['initial_function:entry_point:0#2', 'syncFunction:sync:1#0']);
  const sync = s.dag.instances['small_sync_example-0_0_1-syncFunction:sync:1']!;
  assert.deepEqual(sync.preceding_instances, ['small_sync_example-0_0_1-initial_function:entry_point:0']);
  assert.equal(s.dag.workflow_id, 'small_sync_example-0.0.1');
});

test('function descriptions carry memory, timeout and merged environment', () => {
  const { functions } = analyzeProject('examples/small_sync_example');
  const initial = functions.find((f) => f.name === 'initial_function')!;
  assert.equal(initial.entry_point, true);
  assert.equal(initial.memory_mb, 128);
  assert.equal(initial.timeout_s, 60);
  assert.deepEqual(initial.environment_variables, { ENV_VAR_1: 'example' });
  assert.deepEqual(initial.call_sites, ['syncFunction', 'syncFunction', 'secondSyncFunction']);
  assert.equal(functions.find((f) => f.name === 'syncFunction')!.is_sync, true);
});
