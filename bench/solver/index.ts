// Solver benchmark: the three shapes of caribou-spec §11 (1 function; the 7-instance integration
// test workflow; the 16-edge map_reduce) over 12 regions, for the simple and the fast calculator
// (on the main thread and on the worker pool): one 2,000-sample evaluation, whole solves at equal
// work (exactly 2,000 samples per evaluation), the early-stopping solve apart, and a re-check of
// hard constraints on 20,000 samples. Each case runs in a child process. Writes
// bench/results/solver.json (solver-ci.json for BENCH_SOLVER_PROFILE=ci) with machine and commit.
import { spawnSync } from 'node:child_process';
import { writeFileSync, mkdirSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, totalmem, platform, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commitInfo } from '../provenance.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const SHAPES = ['dna_visualization', 'integration_test_workflow', 'map_reduce'];
// Profiles: BENCH_SOLVER_PROFILE=full (default of `make bench`: every shape × simple, go, go on a pool;
// 5 runs per cheap solve) or ci (go on the main thread only, 2 runs, no pool; about a minute).
const PROFILES = {
  full: [
    ['simple', '0'],
    ['go', '0'],
    ['go', 'cores'],
  ],
  ci: [['go', '0']],
} as const;
// Issue 16 targets, judged on process CPU time of the go calculator on the main thread (the machine
// is shared), on the median of the runs of a fresh solve in one process.
const TARGETS = { map_reduce_eval_2000_cpu_ms: 1.3, map_reduce_coarse_4h_2000_cpu_ms: 60, map_reduce_stochastic_1h_2000_cpu_s: 0.5 };

interface SolveFigures {
  runs: number;
  first: { wall_ms: number; cpu_ms: number };
  median: { wall_ms: number; cpu_ms: number };
  evaluations: number;
}
interface Case {
  shape: string;
  calculator: string;
  workers: number;
  load_average_1m: { start: number; end: number };
  evaluation_2000_samples_ms: number;
  evaluation_2000_samples_cpu_ms: number;
  evaluation_2000_samples_median_cpu_ms: number;
  equal_work_2000_samples: Record<string, SolveFigures>;
  early_stopping: Record<string, SolveFigures>;
  constraint_recheck: { all_hold?: boolean };
  optimum_gap: { solves?: Array<{ max_carbon_gap: number | null }> };
  peak_rss_mib: number;
}

const fmt = (f: SolveFigures | undefined) =>
  f ? `${f.median.cpu_ms.toFixed(0)} ms CPU (first ${f.first.cpu_ms.toFixed(0)}), ${f.evaluations} evals` : '-';

const gapText = (line: Case) => {
  const gaps = (line.optimum_gap.solves ?? []).flatMap((g) => (g.max_carbon_gap === null ? [] : [g.max_carbon_gap]));
  return gaps.length > 0 ? `≤ ${(Math.max(...gaps) * 100).toFixed(2)}% carbon` : '-';
};

export async function run(): Promise<unknown> {
  const profileName = (process.env.BENCH_SOLVER_PROFILE ?? 'full') as keyof typeof PROFILES;
  const profile = PROFILES[profileName];
  if (!profile) throw new Error(`BENCH_SOLVER_PROFILE must be one of ${Object.keys(PROFILES).join(', ')}`);
  const started = new Date();
  const load = loadavg();
  const cases: Case[] = [];
  for (const shape of SHAPES) {
    for (const [calculator, workers] of profile) {
      const out = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'case.ts'), shape, calculator, workers, profileName], {
        cwd: root,
        encoding: 'utf8',
        env: process.env,
      });
      if (out.status !== 0) throw new Error(`case ${shape}/${calculator}/${workers} failed: ${out.stderr}`);
      const line = JSON.parse(out.stdout.trim().split('\n').pop()!) as Case;
      cases.push(line);
      const ew = line.equal_work_2000_samples;
      console.log(
        `${shape.padEnd(26)} ${calculator.padEnd(6)} workers=${String(line.workers).padEnd(2)} load ${line.load_average_1m.start.toFixed(1)} | ` +
          `eval(2000) ${line.evaluation_2000_samples_cpu_ms.toFixed(3)} ms CPU | coarse 4h ${fmt(ew.coarse_4h)} | stochastic 1h ${fmt(ew.stochastic_1h)} | ` +
          `adaptive stochastic 4h ${fmt(line.early_stopping.stochastic_4h)} | constraints ${line.constraint_recheck.all_hold ?? '-'} | optimum gap ${gapText(line)} | peak ${line.peak_rss_mib.toFixed(0)} MiB`,
      );
    }
  }
  const mr = cases.find((c) => c.shape === 'map_reduce' && c.calculator === 'go' && c.workers === 0)!;
  const evalCpu = mr.evaluation_2000_samples_cpu_ms;
  const coarse4h = mr.equal_work_2000_samples.coarse_4h!.median.cpu_ms;
  const stochastic1h = mr.equal_work_2000_samples.stochastic_1h!.median.cpu_ms / 1000;
  const result = {
    benchmark: 'solver',
    profile: profileName,
    started_at: started.toISOString(),
    ...commitInfo(),
    machine: {
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: availableParallelism(),
      memory_gib: totalmem() / 2 ** 30,
      platform: `${platform()} ${release()}`,
      node: process.version,
      load_average_at_start: load,
      load_average_at_end: loadavg(),
    },
    method:
      'Each case is a fresh process. evaluation_2000_samples_(cpu_)ms: best of 7 rounds (ci: 3) of 100 (ci: 30; simple: 10) evaluations with exactly 2,000 samples after a warm-up, alternating two deployments, one thread; wall time and process CPU time (targets are judged on CPU time, as the machine is shared with other jobs: see the load averages); *_median_* are the medians of the rounds. equal_work_2000_samples: whole solveWorkflow calls (model prepared, calculator built, hours solved, all inside the timing) at exactly 2,000 samples per evaluation, seed 1: coarse_1h (hour 0), coarse_4h (hours 0,6,12,18), stochastic_1h (hour 0, ≈ 400 evaluations, the size of a Python "overall" stochastic solve), stochastic_4h (full profile, one run); each repeated `runs` times in the process: `first` is the first run (JIT warm-up of the search code included; the calculator was warmed by the evaluation rounds), `median` the median of the runs. early_stopping: the same solves with the default adaptive Monte Carlo (200..2,000 samples, stop at ±5% at 95%): less work, not faster work. constraint_recheck (go, main thread): the workflow with hard limits (tail cost ≤ 101% and tail runtime ≤ 150% of home) solved coarse and stochastic, adaptive and at 2,000 samples, hours 0,6,12,18; every chosen plan and home re-evaluated on 20,000 samples with another seed (recheckPlan), each hard constraint checked on those figures. optimum_gap (go, main thread, cases with ≤ 5,000 deployments, i.e. dna_visualization; full profile only: a larger workflow whose instances restricted to home and the 2 regions of lowest overall carbon give ≤ 5,000 deployments is compared in that restricted form, `restricted_to`): per hour the exhaustive optimum (exhaustiveOptimum) without and with those hard limits; each default (adaptive) coarse and stochastic solve\'s plan and the optimum re-evaluated on the same 20,000 independent draws (recheckPlan); carbon_gap = plan mean carbon / optimum mean carbon − 1. workers=N runs hours on N threads: the main thread beside N − 1 worker threads (started inside the timing; before the issue 9 amendment of ADR 0200, N worker threads with the main thread idle). peak_rss_mib: the case process maxRSS.',
    targets: {
      judged_on:
        profileName === 'full'
          ? 'this run'
          : 'the full profile only: the ci profile times too few rounds (3 × 30 evaluations) on a shared machine to judge them',
      ...TARGETS,
      map_reduce_eval_2000_cpu_ms_measured: evalCpu,
      map_reduce_eval_2000_met: evalCpu <= TARGETS.map_reduce_eval_2000_cpu_ms,
      map_reduce_coarse_4h_2000_cpu_ms_measured: coarse4h,
      map_reduce_coarse_4h_2000_first_run_cpu_ms: mr.equal_work_2000_samples.coarse_4h!.first.cpu_ms,
      map_reduce_coarse_4h_met: coarse4h <= TARGETS.map_reduce_coarse_4h_2000_cpu_ms,
      map_reduce_stochastic_1h_2000_cpu_s_measured: stochastic1h,
      map_reduce_stochastic_1h_2000_first_run_cpu_s: mr.equal_work_2000_samples.stochastic_1h!.first.cpu_ms / 1000,
      map_reduce_stochastic_1h_met: stochastic1h <= TARGETS.map_reduce_stochastic_1h_2000_cpu_s,
      load_average_1m_during_map_reduce_case: mr.load_average_1m,
    },
    cases,
  };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = profileName === 'full' ? 'solver.json' : `solver-${profileName}.json`;
  writeFileSync(join(root, 'bench', 'results', file), `${JSON.stringify(result, null, 2)}\n`);
  const t = result.targets;
  console.log(
    `targets (go, main thread, CPU, load ${mr.load_average_1m.start.toFixed(1)}): map_reduce eval ${evalCpu.toFixed(3)} ms (≤ 1.3: ${t.map_reduce_eval_2000_met}); ` +
      `coarse 4h ${coarse4h.toFixed(0)} ms (≤ 60: ${t.map_reduce_coarse_4h_met}); stochastic 1h ${stochastic1h.toFixed(3)} s (≤ 0.5: ${t.map_reduce_stochastic_1h_met})`,
  );
  console.log(`wrote bench/results/${file}`);
  return result;
}
