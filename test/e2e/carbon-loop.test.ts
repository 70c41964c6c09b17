// The carbon loop of `make local`, end to end in local mode: `caribou local demo` (the same driver
// `make local` runs) deploys the demo workflow, runs it, lets the stack's daily schedules fire on the
// runtime's clock (log sync → collectors → deployment manager → migrator), runs it again and writes
// the report. Each test below then checks one step's effect independently, in the tables, the
// Lambda API and the functions' logs, and names the service responsible in its failure message.
//
// Which assertions depend on which service:
//   deploy, runs                   caribou deploy + the workflow runtime (on main)
//   log sync, synced runs          log-syncer (issue 11)
//   collected data                 data-collectors (issue 10)
//   solve                          deployment-manager (issue 12) + the workflow collector (issue 10)
//   migrate, runs in the new region migrator (issue 12)
//   report totals                  caribou report (this test's recomputation) over the log-syncer's runs
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLocalMode, functionLogs, type LocalModeHandle } from '../integration/harness/index.js';
import type { LoopResult } from '../../cli/lib/loop/driver.js';
import { Probes } from '../../cli/lib/loop/probes.js';
import { DEMO_HOME, DEMO_OTHER_REGIONS, DEMO_WORKFLOW } from '../../cli/lib/loop/demo-project.js';
import { parseRuntimeLine } from '../../shared/workflows/follow.js';
import { physicalName as physicalNameOf } from '../../shared/analysis/names.js';
import { recomputeCarbon } from '../unit/report/recompute.js';

const HOME = `aws:${DEMO_HOME}`;
const OTHERS = DEMO_OTHER_REGIONS.map((r) => `aws:${r}`);
const SERVICES = {
  deploy: '[caribou deploy]',
  runtime: '[workflow runtime]',
  logSyncer: '[log-syncer, issue 11]',
  collectors: '[data-collectors, issue 10]',
  manager: '[deployment-manager, issue 12]',
  migrator: '[migrator, issue 12]',
  report: '[caribou report]',
};

let local: LocalModeHandle;
let probes: Probes;
let loop: LoopResult;
let loopOutput = '';
const startedIso = new Date().toISOString();

async function caribou(args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['bin/caribou.js', ...args], {
      env: { ...process.env, ...local.env },
      maxBuffer: 16 * 1024 * 1024,
      timeout: timeoutMs,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : 1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

before(
  async () => {
    local = await startLocalMode({ withStack: true });
    await local.reset();
    probes = new Probes(local.state);
    const out = await caribou(['local', 'demo', '--output', 'json', '--state-dir', local.state.stateDir], 14 * 60_000);
    loopOutput = out.stdout + out.stderr;
    loop = JSON.parse(out.stdout) as LoopResult;
  },
  { timeout: 15 * 60_000 },
);

after(async () => {
  if (loop?.workflowId) await caribou(['remove', loop.workflowId]);
  await local?.stop();
});

/** Fails with the driver's own message when the loop did not get through `step` (named by its start). */
function reached(step: string, service: string): void {
  assert.ok(loop, `the loop did not run: ${loopOutput}`);
  const record = loop.steps.find((s) => s.step.startsWith(step));
  if (!record?.ok) {
    assert.fail(
      `${service} step "${step}" ${record ? 'failed' : 'was not reached'}: ${loop.failed ? `the loop stopped at "${loop.failed.step}": ${loop.failed.message}` : 'no failure recorded'}`,
    );
  }
}

const workflowId = () => loop.workflowId!;

async function runtimeLines(functionName: string, region: string) {
  return (await functionLogs(functionName, region)).map(parseRuntimeLine).filter((l): l is Record<string, unknown> => l !== undefined);
}

/** Run ids of every ENTRY_POINT line, in every region the entry function is deployed in. */
async function entryRunIds(): Promise<Set<string>> {
  const wpd = await probes.placement(workflowId());
  const ids = new Set<string>();
  for (const region of Object.keys(wpd?.endpoints.get_requests ?? {})) {
    for (const l of await runtimeLines(physicalName('get_requests', region), region.slice(4)))
      if (l.caribou_event === 'ENTRY_POINT') ids.add(String(l.run_id));
  }
  return ids;
}

/** `<prefix>_<wf>-<version>-<fn>_aws-<region>` (shared/analysis/names.ts), whoever deployed it. */
function physicalName(fn: string, region: string): string {
  const id = workflowId();
  return physicalNameOf(
    local.prefix,
    id.slice(0, id.lastIndexOf('-')),
    id.slice(id.lastIndexOf('-') + 1),
    fn,
    region.slice(region.indexOf(':') + 1),
  );
}

test('deploy: the demo workflow is deployed at home', async () => {
  reached('deploy', SERVICES.deploy);
  assert.match(workflowId(), new RegExp(`^${DEMO_WORKFLOW}-0\\.0\\.\\d+$`));
  const record = await probes.workflow(workflowId());
  assert.equal(record?.status, 'DEPLOYED', `${SERVICES.deploy} workflow record`);
  assert.equal(record?.home_region, HOME);
  assert.deepEqual(record?.config.regions_and_providers.allowed_regions?.map((r) => `aws:${r.region}`).sort(), [HOME, ...OTHERS].sort());
  const functions = await probes.functionsIn(DEMO_HOME);
  for (const fn of ['get_requests', 'image_processor'])
    assert.ok(functions.includes(physicalName(fn, HOME)), `${SERVICES.deploy} ${fn} exists in ${DEMO_HOME}`);
});

test('runs: the first runs executed at home (entry point log lines)', async () => {
  reached('drive traffic', SERVICES.runtime);
  const lines = await runtimeLines(physicalName('get_requests', HOME), DEMO_HOME);
  const entries = lines.filter((l) => l.caribou_event === 'ENTRY_POINT' && l.workflow_id === workflowId());
  assert.ok(
    new Set(entries.map((l) => l.run_id)).size >= 12,
    `${SERVICES.runtime} expected >= 12 ENTRY_POINT lines, got ${entries.length}`,
  );
});

test('log sync: the summary holds every run with its instances, regions and durations', async () => {
  reached('log sync', SERVICES.logSyncer);
  const summary = await probes.summary(workflowId());
  assert.ok(summary, `${SERVICES.logSyncer} no summary item for ${workflowId()}`);
  const logged = await entryRunIds();
  const synced = new Set(summary.runs.map((r) => r.run_id));
  for (const id of logged) assert.ok(synced.has(id), `${SERVICES.logSyncer} run ${id} is in the logs but not in the summary`);
  assert.equal(summary.totalRuns, logged.size, `${SERVICES.logSyncer} totalRuns counts each logged run once`);
  assert.equal(
    Object.values(summary.daily).reduce((s, d) => s + d.invocations, 0),
    summary.totalRuns,
    `${SERVICES.logSyncer} daily invocations add up to totalRuns`,
  );
  for (const run of summary.runs) {
    assert.ok(run.succeeded, `${SERVICES.logSyncer} run ${run.run_id} succeeded`);
    assert.equal(
      run.instances.length,
      3,
      `${SERVICES.logSyncer} run ${run.run_id}: get_requests + 2 image_processor instances (2 transformations)`,
    );
    for (const i of run.instances)
      assert.ok(
        i.durationS >= 0 && i.region.startsWith('aws:'),
        `${SERVICES.logSyncer} instance ${i.instance} of ${run.run_id} has a region and a duration`,
      );
  }
});

test('collected data: carbon, provider and performance documents for the candidate regions', async () => {
  reached('collect', SERVICES.collectors);
  const [carbon, provider, performance] = await Promise.all([probes.carbon(), probes.provider(), probes.performance()]);
  for (const region of [HOME, ...OTHERS]) {
    const c = carbon[region];
    assert.ok(c, `${SERVICES.collectors} no carbon document for ${region}`);
    assert.equal(c.hourlyGCO2ePerKWh.length, 24, `${SERVICES.collectors} 24 hourly values for ${region}`);
    assert.ok(
      c.hourlyGCO2ePerKWh.every((v) => Number.isFinite(v) && v >= 0) && Number.isFinite(c.overallGCO2ePerKWh),
      `${SERVICES.collectors} finite intensities for ${region}`,
    );
    assert.ok(
      c.provenance.source && Date.parse(c.collected_at) >= Date.parse(startedIso),
      `${SERVICES.collectors} fresh carbon document with provenance for ${region}`,
    );
    assert.ok(
      provider[region]?.power.pue && provider[region]!.power.pue >= 1,
      `${SERVICES.collectors} provider document with a power model for ${region}`,
    );
    assert.ok(performance[region]?.latencyToS[HOME], `${SERVICES.collectors} latency from ${region} to ${HOME}`);
  }
  for (const region of OTHERS) {
    assert.ok(
      carbon[region]!.overallGCO2ePerKWh < carbon[HOME]!.overallGCO2ePerKWh / 2,
      `${SERVICES.collectors} the demo expects ${region} far greener than ${HOME}`,
    );
  }
});

test('solve: the deployment manager solved the workflow from the collected data', async () => {
  reached('solve', SERVICES.manager);
  const state = (await probes.workflow(workflowId()))?.deployment_manager;
  assert.ok(
    state?.last_solved_at && Date.parse(state.last_solved_at) >= Date.parse(startedIso),
    `${SERVICES.manager} last_solved_at recorded on the workflow (got ${JSON.stringify(state)})`,
  );
  const detail = loop.steps.find((s) => s.step.startsWith('solve'))!.detail;
  assert.match(detail, /expected .* gCO2e\/run vs .* all at home/);
});

test('migrate: the plan is published and its functions exist in the new regions', async () => {
  reached('migrate', SERVICES.migrator);
  const wpd = await probes.placement(workflowId());
  const plan = wpd?.current_deployment;
  assert.ok(plan, `${SERVICES.migrator} the placement has no current_deployment`);
  assert.ok(Date.parse(plan.expiry_time) > Date.now(), `${SERVICES.migrator} the published plan has not expired`);
  assert.equal(await probes.staged(workflowId()), undefined, `${SERVICES.migrator} the staging item is deleted once published`);
  assert.ok(loop.moved.length > 0, `${SERVICES.migrator} at least one instance moved`);
  for (const moved of loop.moved) {
    assert.ok(OTHERS.includes(moved.region), `${moved.instance} moved to an allowed region (${moved.region})`);
    const fn = wpd.instance_functions[moved.instance]!;
    assert.ok(wpd.endpoints[fn]?.[moved.region], `${SERVICES.migrator} endpoint of ${fn} in ${moved.region}`);
    const functions = await probes.functionsIn(moved.region.slice(4));
    assert.ok(functions.includes(physicalName(fn, moved.region)), `${SERVICES.migrator} ${fn} exists in ${moved.region}`);
  }
});

test('runs in the new region: the next runs executed moved instances there (their logs say so)', async () => {
  reached('run again', `${SERVICES.runtime} ${SERVICES.migrator}`);
  const wpd = (await probes.placement(workflowId()))!;
  let seen = 0;
  for (const run of loop.nextRuns) {
    for (const i of run.instances.filter((x) => x.region !== HOME)) {
      const fn = wpd.instance_functions[i.instance]!;
      const lines = await runtimeLines(physicalName(fn, i.region), i.region.slice(4));
      const executed = lines.filter((l) => l.caribou_event === 'EXECUTED' && l.run_id === run.run_id && l.instance === i.instance);
      assert.equal(executed.length, 1, `${SERVICES.runtime} ${i.instance} of run ${run.run_id} executed once in ${i.region}`);
      assert.equal(executed[0]!.region, i.region);
      seen++;
    }
  }
  assert.ok(seen > 0, `${SERVICES.migrator} no instance of the next runs executed outside ${HOME}`);
});

test('report: caribou report --json totals equal a recomputation from the synced runs', async () => {
  reached('sync the new runs', SERVICES.logSyncer);
  reached('report', SERVICES.report);
  const out = await caribou(['report', workflowId(), '--json']);
  assert.equal(out.code, 0, out.stderr);
  const report = JSON.parse(out.stdout) as NonNullable<LoopResult['report']>;
  const [summary, carbon, provider, record] = await Promise.all([
    probes.summary(workflowId()),
    probes.carbon(),
    probes.provider(),
    probes.workflow(workflowId()),
  ]);
  const memory = Object.fromEntries(record!.function_descriptions.map((f) => [f.name, f.memory_mb]));
  const expected = recomputeCarbon({ runs: summary!.runs, home: HOME, carbon, provider, memoryMb: (fn) => memory[fn]! });
  const close = (a: number, b: number, what: string) =>
    assert.ok(Math.abs(a - b) <= 1e-6 * Math.max(1e-9, Math.abs(b)), `${SERVICES.report} ${what}: ${a} != ${b}`);
  assert.equal(report.runs.accounted, summary!.runs.length);
  close(report.carbon.actual.gCO2e, expected.actual, 'as executed');
  close(report.carbon.home_counterfactual.gCO2e, expected.home, 'all at home');
  assert.ok(report.runs.moved > 0, `${SERVICES.logSyncer} the summary holds runs executed outside ${HOME}`);
  assert.ok(report.carbon.saved_gCO2e > 0, 'moving to greener grids saved modeled carbon');
  assert.deepEqual(report.assumptions, [], 'every region used had collected data');
});
