// The log syncer in local mode, end to end through the control plane: map_reduce deployed with the
// CLI and run N times (`caribou run --wait --json`), then `caribou log_sync -r` (EventBridge → router
// → orchestrator task → log-syncer Lambda reading CloudWatch Logs): the summary holds exactly the N
// runs with the right per-edge counts; syncing again keeps N; with every first attempt failing after
// reading, the orchestrator's retry still counts each new run exactly once.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { GetFunctionConfigurationCommand, LambdaClient, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { eventually, functionLogs, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { names } from '../../../shared/manifest/services.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';
import { ORCHESTRATOR_CONFIG_ENV } from '../../../shared/orchestrator/config.js';
import { clients } from '../../../shared/aws/clients.js';
import { readWorkflowSummary } from '../../../shared/stores/workflow-summaries.js';
import type { WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { RunReport } from '../../../shared/workflows/follow.js';

const WORKFLOW = 'map_reduce-0.0.1';
let local: LocalModeHandle;
let lambda: LambdaClient;
const restore: (() => Promise<unknown>)[] = [];

async function caribou(args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
    env: { ...process.env, ...local.env },
    maxBuffer: 8 * 1024 * 1024,
  });
  return stdout;
}

async function setEnv(fn: string, extra: Record<string, string>): Promise<void> {
  const current = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Environment?.Variables ?? {};
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: fn, Environment: { Variables: { ...current, ...extra } } }));
}

const summary = () => readWorkflowSummary(clients.doc(), physicalTableName(local.prefix, 'workflow-summaries'), WORKFLOW);

before(async () => {
  local = await startLocalMode({ withStack: true });
  await local.reset();
  lambda = new LambdaClient({});
  const syncer = names.function(local.prefix, 'log-syncer');
  const orchestrator = names.function(local.prefix, 'orchestrator');
  const original = async (fn: string) =>
    (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: fn }))).Environment?.Variables ?? {};
  const [syncerEnv, orchestratorEnv] = [await original(syncer), await original(orchestrator)];
  restore.push(() => lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: syncer, Environment: { Variables: syncerEnv } })));
  restore.push(() =>
    lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: orchestrator, Environment: { Variables: orchestratorEnv } })),
  );
  // Lines a second old are final in local mode (the runtime writes each invocation's lines at its end).
  await setEnv(syncer, { CARIBOU_LOG_SYNC_GRACE_S: '2' });
  // Retries within seconds instead of minutes.
  await setEnv(orchestrator, {
    [ORCHESTRATOR_CONFIG_ENV]: JSON.stringify({
      labourers: { 'log-syncer': { cooldown_s: 0, max_attempts: 3 } },
      retry: { base_delay_s: 1, max_delay_s: 3, jitter: 0.5 },
    }),
  });
  await new Promise((r) => setTimeout(r, 3000)); // the runtime picks up configuration changes within ~2 s
});

after(async () => {
  await caribou(['remove', WORKFLOW]).catch(() => undefined);
  for (const undo of restore.reverse()) await undo().catch(() => undefined);
  await local?.stop();
});

/** Words per run → mappers (8 words per worker, at most 6). */
const INPUTS = [4, 20, 60, 12];
const mappersFor = (words: number) => Math.min(6, Math.max(1, Math.ceil(words / 8)));

async function runAndWait(words: number): Promise<RunReport> {
  const text = Array.from({ length: words }, (_, i) => `w${i % 7}`).join(' ');
  const out = await caribou(['run', WORKFLOW, '-a', JSON.stringify({ text }), '--wait', '--json', '--timeout', '120']);
  const report = JSON.parse(out.trim().split('\n').at(-1)!) as RunReport;
  assert.equal(report.status, 'succeeded', out);
  return report;
}

function checkAgainstReports(s: WorkflowSummary, reports: RunReport[]): void {
  assert.equal(s.totalRuns, reports.length);
  assert.deepEqual(s.runs.map((r) => r.run_id).sort(), reports.map((r) => r.run_id).sort());
  for (const report of reports) {
    const run = s.runs.find((r) => r.run_id === report.run_id)!;
    assert.equal(run.succeeded, true);
    // Same instances as the run follower saw.
    assert.deepEqual(run.instances.map((i) => i.instance).sort(), report.instances.map((i) => i.instance).sort());
    const mappers = report.instances.filter((i) => i.function === 'mapper').length;
    const reducers = report.instances.filter((i) => i.function === 'reducer').length;
    const fromEntry = run.edges.filter((e) => e.from.includes('-input_processor:'));
    assert.equal(fromEntry.filter((e) => e.invoked).length, mappers, 'entry → mapper taken');
    assert.equal(fromEntry.filter((e) => !e.invoked).length, 6 - mappers, 'entry → mapper not taken');
    assert.equal(run.edges.filter((e) => e.to.includes('-shuffler:') && e.invoked).length, mappers, 'mapper → shuffler');
    assert.equal(run.edges.filter((e) => e.from.includes('-shuffler:') && e.invoked).length, reducers, 'shuffler → reducer taken');
    assert.equal(run.edges.filter((e) => e.to.includes('-output_processor:') && e.invoked).length, reducers, 'reducer → output');
    assert.ok(run.edges.filter((e) => e.invoked && !e.toSyncNode).every((e) => e.latencyS !== undefined && e.payloadBytes! > 0));
  }
}

async function syncAndWait(predicate: (s: WorkflowSummary | undefined) => boolean, timeoutMs = 180_000): Promise<WorkflowSummary> {
  const answer = await caribou(['log_sync', '-r']);
  assert.match(answer, /log_sync|sent|published|event/i);
  let last: WorkflowSummary | undefined;
  await eventually(async () => {
    last = await summary();
    assert.ok(
      predicate(last),
      `summary: ${JSON.stringify(last && { version: last.version, total: last.totalRuns, pending: last.pendingRunIds })}`,
    );
  }, timeoutMs);
  return last!;
}

test('N runs synced exactly once, again after a second sync, and after a retried first attempt', { timeout: 900_000 }, async () => {
  await caribou(['deploy', 'examples/map_reduce']);
  const reports: RunReport[] = [];
  for (const words of INPUTS) reports.push(await runAndWait(words));
  assert.deepEqual(
    reports.map((r) => r.instances.filter((i) => i.function === 'mapper').length),
    INPUTS.map(mappersFor),
  );
  await new Promise((r) => setTimeout(r, 3000)); // past the grace period

  const first = await syncAndWait((s) => (s?.totalRuns ?? 0) >= INPUTS.length && (s?.pendingRunIds.length ?? 1) === 0);
  checkAgainstReports(first, reports);
  assert.equal(first.lines.corrupt, 0);
  assert.ok(first.lines.foreign > 0, 'START/END and user lines were skipped');

  const second = await syncAndWait((s) => (s?.version ?? 0) > first.version);
  checkAgainstReports(second, reports);

  // Every first attempt now fails after reading (before its write); the orchestrator retries.
  await setEnv(names.function(local.prefix, 'log-syncer'), { CARIBOU_FAULT_LOG_SYNC_FAIL_FIRST_ATTEMPT: 'true' });
  await new Promise((r) => setTimeout(r, 3000));
  for (const words of [30, 8]) reports.push(await runAndWait(words));
  await new Promise((r) => setTimeout(r, 3000));
  const third = await syncAndWait((s) => (s?.totalRuns ?? 0) >= reports.length && (s?.version ?? 0) > second.version);
  checkAgainstReports(third, reports);
  const logs = await functionLogs(names.function(local.prefix, 'log-syncer'));
  assert.ok(
    logs.some((l) => l.includes('fault injection')),
    'a first attempt failed after reading',
  );

  const runs = JSON.parse(await caribou(['runs', WORKFLOW, '--json'])) as {
    runs: number;
    succeeded: number;
    regions: Record<string, number>;
  };
  assert.equal(runs.runs, reports.length);
  assert.equal(runs.succeeded, reports.length);
  assert.deepEqual(Object.keys(runs.regions), ['aws:us-east-1']);
});
