// Following a run from its log lines: the tracker ends a run when every message sent was executed,
// and reports failures; lines are read back as Lambda writes them (JSON after a prefix).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { simulateWorkflow } from '../../../shared/runtime/memory.js';
import { RunTracker, parseRuntimeLine } from '../../../shared/workflows/follow.js';
import * as mapReduce from '../../../examples/map_reduce/app.js';

const dag = analyzeProject('examples/map_reduce').dag;

test('a run is running until its last message is executed, then succeeded', async () => {
  const run = await simulateWorkflow(
    { workflow: mapReduce.workflow, dag },
    { text: 'a b c d e f g h i j k l m n o p q r' },
    { duplicateEveryMessage: true },
  );
  const tracker = new RunTracker(run.runId, dag.entry_instance);
  const lines = run.log.lines.map((l, i) => ({ ...l, run_id: l.run_id, timestamp: new Date(1_700_000_000_000 + i).toISOString() }));
  const executed = lines.filter((l) => l.event === 'EXECUTED').length;
  let seenExecuted = 0;
  for (const line of lines) {
    tracker.add({ caribou_event: line.event, ...line });
    if (line.event === 'EXECUTED') seenExecuted++;
    if (seenExecuted < executed) assert.equal(tracker.status, 'running');
  }
  assert.equal(tracker.status, 'succeeded');
  const report = tracker.report();
  assert.equal(report.instances.length, run.executed.length);
  assert.equal(report.instances[0]!.function, 'input_processor');
  assert.equal(report.instances.at(-1)!.function, 'output_processor');
});

test('lines of other runs are ignored; a hop-limit error fails the run; repeated lines count once', () => {
  const tracker = new RunTracker('r1', 'wf-0_0_1-a:entry_point:0');
  assert.equal(tracker.add({ caribou_event: 'EXECUTED', run_id: 'other', instance: 'wf-0_0_1-a:entry_point:0' }), undefined);
  const line = { caribou_event: 'INVOKING_SUCCESSOR', run_id: 'r1', successor: 'b', successor_invoked: true, successor_is_sync: false };
  tracker.add(line, 'x');
  tracker.add({
    caribou_event: 'EXECUTED',
    run_id: 'r1',
    instance: 'wf-0_0_1-a:entry_point:0',
    function: 'a',
    region: 'aws:us-east-1',
    total_execution_time_s: 0.5,
  });
  assert.equal(tracker.status, 'running');
  tracker.add({ caribou_event: 'EXCEED_HOP_ERROR', run_id: 'r1', message: 'too many hops' });
  assert.equal(tracker.status, 'failed');
  assert.deepEqual(tracker.errors, ['too many hops']);
});

test('runtime lines are found after a Lambda log prefix; other lines are not', () => {
  assert.deepEqual(parseRuntimeLine('2026-01-01T00:00:00Z\tabc\tINFO\t{"caribou_event":"INVOKED","run_id":"r"}'), {
    caribou_event: 'INVOKED',
    run_id: 'r',
  });
  assert.equal(parseRuntimeLine('START RequestId: abc'), undefined);
  assert.equal(parseRuntimeLine('{"level":"INFO","message":"user line"}'), undefined);
});
