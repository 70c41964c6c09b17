// bench/reliability: the system's promises measured under faults, in local mode's emulator on this
// machine — nothing lost, nothing doubled, sync nodes fired once, bad deliveries explained.
// Profiles: BENCH_RELIABILITY_PROFILE=full (1,000 workflow runs and 5,000 orchestrator tasks in
// total, the default of `make bench`) or ci (a few dozen of each). BENCH_RELIABILITY_SCENARIOS
// picks scenarios by name (comma list, e.g. `kill,control:duplicates`). Writes
// bench/results/reliability.json (ci: reliability-ci.json); see docs/reliability.md. A run of a
// subset replaces only its scenarios in the existing file; every scenario records the commit, time
// and machine load it was measured at, so a file merged from several runs says so.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitInfo } from '../provenance.js';
import { startMoto } from '../../testkit/orchestrator/moto.js';
import { createArtifactsBucket } from '../../testkit/emulator.js';
import { runDataScenario, type DataFault, type DataScenarioResult } from './data-plane.js';
import { runControlScenario, type ControlFault, type ControlScenarioResult } from './control-plane.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');

const PROFILES = {
  full: { runsPerScenario: 200, tasksPerScenario: 1250 },
  ci: { runsPerScenario: 16, tasksPerScenario: 40 },
} as const;

const DATA: DataFault[] = ['duplicates', 'kill', 'restart', 'dynamodb-throttle', 'invoke-throttle'];
const CONTROL: ControlFault[] = ['crash-first-attempt', 'duplicates', 'dynamodb-throttle', 'none'];

export async function run(): Promise<unknown> {
  const profileName = (process.env.BENCH_RELIABILITY_PROFILE ?? 'full') as keyof typeof PROFILES;
  const profile = PROFILES[profileName];
  if (!profile) throw new Error(`BENCH_RELIABILITY_PROFILE must be one of ${Object.keys(PROFILES).join(', ')}`);
  const wanted = process.env.BENCH_RELIABILITY_SCENARIOS?.split(',').map((s) => s.trim());
  const pick = <T extends string>(kind: string, list: T[]) =>
    list.filter((s) => !wanted || wanted.includes(`${kind}:${s}`) || wanted.includes(s));
  const log = (line: string) => console.log(`[reliability] ${line}`);

  // Two emulators, so the data plane and the control plane load run side by side (moto uses one
  // core each); the data plane's SDK clients follow the environment, the control plane's are explicit.
  const [dataMoto, controlMoto] = await Promise.all([startMoto(), startMoto()]);
  const saved = { ...process.env };
  Object.assign(process.env, dataMoto.env);
  const faultSwitch =
    (endpoint: string) =>
    async (rate: number): Promise<number> => {
      const response = await fetch(`${endpoint}/_caribou/faults`, {
        method: 'POST',
        body: JSON.stringify({ dynamodb_write_error_rate: rate, dynamodb_error: 'ProvisionedThroughputExceededException' }),
      });
      if (!response.ok) throw new Error(`fault switch: HTTP ${response.status}`);
      return ((await response.json()) as { injected: number }).injected;
    };
  type Measured = { commit: string; dirty: boolean; measured_at: string; load_average_1m: number };
  const data: Array<DataScenarioResult & Measured> = [];
  const control: Array<ControlScenarioResult & Measured> = [];
  const measured = (): Measured => ({
    ...commitInfo(),
    measured_at: new Date().toISOString(),
    load_average_1m: +os.loadavg()[0]!.toFixed(1),
  });
  const file = path.join(repo, 'bench', 'results', profileName === 'full' ? 'reliability.json' : `reliability-${profileName}.json`);
  // Scenarios of earlier runs that this run does not measure are kept (a subset run updates the file).
  const earlier = (() => {
    if (!wanted || !existsSync(file)) return { data: [] as typeof data, control: [] as typeof control };
    const old = JSON.parse(readFileSync(file, 'utf8')) as {
      commit?: string;
      dirty?: boolean;
      data_plane?: typeof data;
      control_plane?: typeof control;
    };
    const stamp = <T extends { commit?: string }>(r: T) => ({
      ...r,
      commit: r.commit ?? old.commit ?? 'unknown',
      dirty: (r as { dirty?: boolean }).dirty ?? old.dirty ?? false,
    });
    return { data: (old.data_plane ?? []).map(stamp) as typeof data, control: (old.control_plane ?? []).map(stamp) as typeof control };
  })();
  // Each scenario keeps its place; new ones are appended.
  const merged = <T extends { fault: string }>(older: T[], now: T[]) => [
    ...older.map((o) => now.find((n) => n.fault === o.fault) ?? o),
    ...now.filter((n) => !older.some((o) => o.fault === n.fault)),
  ];
  const t0 = Date.now();
  // Written after every scenario (complete: false until the end), so an interrupted run keeps its figures.
  const write = (complete: boolean) => {
    const dataAll = merged(earlier.data, data);
    const controlAll = merged(earlier.control, control);
    const totals = {
      workflow_runs: dataAll.reduce((s, r) => s + r.runs_started, 0),
      orchestrator_tasks: controlAll.reduce((s, r) => s + r.tasks_created, 0),
      runs_lost: dataAll.reduce((s, r) => s + r.runs_lost, 0),
      instances_doubled: dataAll.reduce((s, r) => s + r.instances_executed_twice_with_visible_effect, 0),
      sync_nodes_doubled: dataAll.reduce((s, r) => s + r.sync_nodes_fired_more_than_once, 0),
      tasks_lost: controlAll.reduce((s, r) => s + r.tasks_lost, 0),
      tasks_unfinished: controlAll.reduce((s, r) => s + (r.tasks_unfinished ?? 0), 0),
      tasks_duplicated: controlAll.reduce((s, r) => s + r.tasks_duplicated, 0),
      dlq_messages: dataAll.reduce((s, r) => s + r.dlq_messages, 0),
      wall_s: +((Date.now() - t0) / 1000).toFixed(1),
    };
    const out = {
      benchmark: 'reliability',
      profile: profileName,
      complete,
      ...commitInfo(),
      /** More than one: the file merges subset runs (each scenario names its own commit). */
      scenario_commits: [...new Set([...dataAll, ...controlAll].map((r) => r.commit))],
      machine: { cores: os.cpus().length, node: process.version, load_average_1m: +os.loadavg()[0]!.toFixed(1) },
      totals,
      data_plane: dataAll,
      control_plane: controlAll,
    };
    mkdirSync(path.join(repo, 'bench', 'results'), { recursive: true });
    writeFileSync(file, `${JSON.stringify(out, null, 2)}\n`);
    return { out, totals };
  };
  try {
    const bucket = await createArtifactsBucket('reliability', 'us-east-1');
    const dataPlane = (async () => {
      for (const fault of pick('data', DATA)) {
        log(`data plane: ${fault}, ${profile.runsPerScenario} runs`);
        const result = await runDataScenario({
          fault,
          runs: profile.runsPerScenario,
          sqs: dataMoto.clients().sqs,
          bucket,
          setDynamoFaults: faultSwitch(dataMoto.endpoint),
          log,
        });
        log(JSON.stringify(result));
        data.push({ ...result, ...measured() });
        write(false);
      }
    })();
    const controlPlane = (async () => {
      let n = 0;
      for (const fault of pick('control', CONTROL)) {
        log(`control plane: ${fault}, ${profile.tasksPerScenario} tasks`);
        const result = await runControlScenario({
          moto: controlMoto,
          fault,
          tasks: profile.tasksPerScenario,
          prefix: `relc${++n}`,
          setDynamoFaults: faultSwitch(controlMoto.endpoint),
          log,
        });
        log(JSON.stringify(result));
        control.push({ ...result, ...measured() });
        write(false);
      }
    })();
    await Promise.all([dataPlane, controlPlane]);
  } finally {
    await Promise.all([dataMoto.stop(), controlMoto.stop()]);
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  }
  const { out, totals } = write(true);
  log(`wrote ${path.relative(repo, file)}: ${JSON.stringify(totals)}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) await run();
