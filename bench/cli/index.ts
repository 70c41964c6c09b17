// The `caribou` CLI's start-up: wall time, CPU time and peak RSS of fresh processes running the
// prebuilt bundle (bin/caribou.js → dist/cli/, rebuilt first), median of RUNS runs, against the
// targets of issue 9. `node -e 0` is measured alongside: on this shared 2-core machine it shows how
// much of a wall time is the machine's load rather than the CLI.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildCli } from '../../scripts/build-cli.js';
import { commitInfo } from '../provenance.js';

const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const RUNS = Number(process.env.CARIBOU_BENCH_RUNS ?? 7);
const fixture = (f: string) => join(root, 'test/fixtures/solver', f);
const solveArgs = ['solve', '--data', fixture('data'), '--workflow', fixture('map_reduce.json')];

const CASES: { name: string; argv: string[]; target?: { wall_s: number; max_rss_mib?: number } }[] = [
  { name: 'node -e 0 (baseline)', argv: ['-e', '0'] },
  { name: 'caribou --help', argv: ['bin/caribou.js', '--help'], target: { wall_s: 0.3, max_rss_mib: 80 } },
  { name: 'caribou version', argv: ['bin/caribou.js', 'version'], target: { wall_s: 0.3, max_rss_mib: 80 } },
  { name: 'caribou solve --help', argv: ['bin/caribou.js', 'solve', '--help'] },
  { name: 'caribou solve map_reduce (4 hours)', argv: ['bin/caribou.js', ...solveArgs], target: { wall_s: 0.5 } },
  { name: 'caribou solve map_reduce --hours 0', argv: ['bin/caribou.js', ...solveArgs, '--hours', '0'] },
  // The same 4 hours on the main thread beside one worker thread (`auto` keeps 2-core machines on
  // the main thread alone; this case shows what the second thread costs or saves at this load).
  { name: 'caribou solve map_reduce --workers 2', argv: ['bin/caribou.js', ...solveArgs, '--workers', '2'] },
];

interface Sample {
  wall_s: number;
  cpu_s: number;
  max_rss_mib: number;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** One fresh process under GNU time (wall, user+sys CPU, max RSS). */
function measure(argv: string[], scratch: string): Sample {
  const out = join(scratch, 'time.txt');
  execFileSync('/usr/bin/time', ['-o', out, '-f', '%e %U %S %M', process.execPath, ...argv], { cwd: root, stdio: 'ignore' });
  const [wall, user, sys, rssKiB] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { wall_s: wall!, cpu_s: user! + sys!, max_rss_mib: rssKiB! / 1024 };
}

export async function run(): Promise<unknown> {
  const started = new Date();
  const build = await buildCli();
  const scratch = mkdtempSync(join(tmpdir(), 'caribou-bench-cli-'));
  const load = loadavg();
  try {
    for (const c of CASES) measure(c.argv, scratch); // warm the file cache
    // Interleaved (one run of every case per round), so a change of load during the bench falls on
    // every case alike and the cases stay comparable (e.g. the two 4-hour solves).
    const byCase = CASES.map((): Sample[] => []);
    for (let r = 0; r < RUNS; r++) CASES.forEach((c, i) => byCase[i]!.push(measure(c.argv, scratch)));
    const results = CASES.map((c, i) => {
      const samples = byCase[i]!;
      const m = {
        wall_s: median(samples.map((s) => s.wall_s)),
        cpu_s: median(samples.map((s) => s.cpu_s)),
        max_rss_mib: median(samples.map((s) => s.max_rss_mib)),
      };
      const met = c.target
        ? m.wall_s <= c.target.wall_s && (c.target.max_rss_mib === undefined || m.max_rss_mib <= c.target.max_rss_mib)
        : undefined;
      console.log(
        `${c.name.padEnd(38)} median ${m.wall_s.toFixed(2)} s wall, ${m.cpu_s.toFixed(2)} s CPU, ${m.max_rss_mib.toFixed(0)} MiB${c.target ? ` (target ≤ ${c.target.wall_s} s${c.target.max_rss_mib ? `, ≤ ${c.target.max_rss_mib} MiB` : ''}: ${met ? 'met' : 'NOT met'})` : ''}`,
      );
      return { name: c.name, argv: c.argv, median: m, ...(c.target ? { target: c.target, met } : {}), samples };
    });
    const result = {
      benchmark: 'cli',
      started_at: started.toISOString(),
      ...commitInfo(),
      machine: {
        cpu: cpus()[0]?.model ?? 'unknown',
        cores: availableParallelism(),
        node: process.version,
        load_average_at_start: load,
        load_average_at_end: loadavg(),
      },
      method: `Each run is a fresh process under GNU time (/usr/bin/time: elapsed, user+sys, max RSS); one warm-up run of each case, then the median of ${RUNS} rounds that run every case once (interleaved). The CLI runs from dist/cli/ (rebuilt before measuring: ${build.inputs.length} sources). The node -e 0 baseline is the floor any Node.js command pays on this machine at this load.`,
      cases: results,
    };
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(join(root, 'bench', 'results', 'cli.json'), `${JSON.stringify(result, null, 2)}\n`);
    console.log('wrote bench/results/cli.json');
    return result;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
