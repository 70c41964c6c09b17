import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeRunsCommand, parseDuration, runsReport } from '../../../cli/commands/runs.js';
import type { SyncedRun, WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import { UsageError } from '../../../shared/errors.js';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const run = (i: number, minutesAgo: number, runtimeS: number, succeeded = true, region = 'aws:us-east-1'): SyncedRun => ({
  run_id: String(i).padStart(32, '0'),
  startedAt: new Date(NOW - minutesAgo * 60_000).toISOString(),
  runtimeS,
  succeeded,
  entryRegion: region,
  planHour: null,
  userPayloadBytes: 10,
  wpdBytes: 100,
  initLatencyS: 0.01,
  instances: [
    {
      instance: 'a',
      function: 'a',
      region,
      durationS: 0.1,
      userDurationS: 0.05,
      coldStart: i === 0,
      inputBytes: 10,
      exceptions: 0,
      duplicateDeliveries: 0,
    },
  ],
  edges: [],
});

const summary: WorkflowSummary = {
  workflow_id: 'wf-0.0.1',
  sync_window: 'summary',
  version: 3,
  watermarks: {},
  lastSyncedAt: new Date(NOW - 60_000).toISOString(),
  totalRuns: 25,
  runs: [...Array.from({ length: 19 }, (_, i) => run(i, 10 + i, 1 + i / 10)), run(19, 20, 9, false, 'aws:eu-west-1'), run(20, 300, 50)],
  pendingRunIds: ['x'],
  daily: {},
  lines: { parsed: 10, foreign: 2, corrupt: 1, unknownVersion: 0 },
};

test('durations: s, m, h, d; anything else is a usage error', () => {
  assert.equal(parseDuration('90s'), 90_000);
  assert.equal(parseDuration('1h'), 3_600_000);
  assert.equal(parseDuration('2d'), 172_800_000);
  assert.throws(() => parseDuration('1 week'), UsageError);
});

test('report: count, success/failure, p50/p95 of succeeded runtimes, regions, since filter', () => {
  const r = runsReport(summary, parseDuration('1h'), NOW);
  assert.equal(r.runs, 20);
  assert.equal(r.succeeded, 19);
  assert.equal(r.failed, 1);
  assert.equal(r.runtimeS.p50, 1.9);
  assert.equal(r.runtimeS.p95, 2.8);
  assert.deepEqual(r.regions, { 'aws:eu-west-1': 1, 'aws:us-east-1': 19 });
  assert.equal(r.coldStarts, 1);
  assert.equal(runsReport(summary, undefined, NOW).runs, 21);
});

test('caribou runs prints the report, --json prints it as JSON, a missing summary exits 1', async () => {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };
  const cmd = makeRunsCommand({ read: async (_t, id) => (id === 'wf-0.0.1' ? summary : undefined), now: () => NOW, env: {} });
  assert.equal(await cmd.run(['wf-0.0.1', '--since', '1h'], io), 0);
  assert.match(out[0]!, /20 \(19 succeeded, 1 failed\)/);
  out.length = 0;
  assert.equal(await cmd.run(['wf-0.0.1', '--json'], io), 0);
  assert.equal(JSON.parse(out.join('\n')).runs, 21);
  assert.equal(await cmd.run(['other-0.0.1'], io), 1);
  assert.match(err[0]!, /no synced runs/);
  await assert.rejects(cmd.run([], io), UsageError);
});
