// One benchmark case in its own process (so peak memory is the case's own): prints one JSON line.
// Usage: node --import tsx bench/solver/case.ts <shape> <simple|go> <workers>
import { availableParallelism } from 'node:os';
import { createCalculator } from '../../shared/solver/calculators/index.js';
import { loadSolverInput } from '../../shared/solver/importer.js';
import { prepareModel } from '../../shared/solver/model.js';
import { solveWorkflow } from '../../shared/solver/solve.js';
import type { CalculatorType } from '../../shared/solver/types.js';

const [shape = 'map_reduce', calculator = 'go', workersArg = '0'] = process.argv.slice(2);
const workers = workersArg === 'cores' ? availableParallelism() : Number(workersArg);
const fixtures = new URL('../../test/fixtures/solver/', import.meta.url).pathname;
const HOURS = [0, 6, 12, 18];

const input = await loadSolverInput(`${fixtures}data`, `${fixtures}${shape}.json`);
const model = prepareModel(input);

// 1. One evaluation with exactly 2,000 samples, on this thread, after a warm-up.
const calc = createCalculator(calculator as CalculatorType, model, { seed: 1, minSamples: 2000, maxSamples: 2000 });
calc.setHour(12);
const placements = [new Array<number>(model.N).fill(model.home), model.permitted.map((p) => p[p.length - 1]!)];
const warm = calculator === 'simple' ? 5 : 40;
for (let i = 0; i < warm; i++) calc.evaluate(placements[i % 2]!);
const reps = calculator === 'simple' ? 10 : 100;
const rounds = 7;
const wallMs: number[] = [];
const cpuMs: number[] = [];
for (let round = 0; round < rounds; round++) {
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) calc.evaluate(placements[i % 2]!);
  const cpu = process.cpuUsage(cpu0);
  wallMs.push((performance.now() - t0) / reps);
  // CPU time of this process over the loop: on a shared machine it is the fairer single-core figure.
  cpuMs.push((cpu.user + cpu.system) / 1000 / reps);
}
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const evalMs = Math.min(...wallMs);
const evalCpuMs = Math.min(...cpuMs);

// 2. The full 4-hour stochastic solve with default Monte Carlo settings (cold: a fresh solve).
const t = performance.now();
const solveCpu0 = process.cpuUsage();
const result = await solveWorkflow(input, { hours: HOURS, calculator: calculator as CalculatorType, algorithm: 'stochastic', seed: 1, workers });
const solveS = (performance.now() - t) / 1000;
const solveCpu = process.cpuUsage(solveCpu0);

console.log(
  JSON.stringify({
    shape,
    calculator,
    workers,
    instances: model.N,
    edges: model.edges.length,
    regions: model.R,
    evaluation_2000_samples_ms: evalMs,
    evaluation_2000_samples_cpu_ms: evalCpuMs,
    evaluation_2000_samples_median_ms: median(wallMs),
    evaluation_2000_samples_median_cpu_ms: median(cpuMs),
    evaluation_samples_per_s: 2000 / (evalMs / 1000),
    evaluation_samples_per_cpu_s: 2000 / (evalCpuMs / 1000),
    solve: {
      hours: HOURS,
      seconds: solveS,
      cpu_seconds_all_threads: (solveCpu.user + solveCpu.system) / 1e6,
      seconds_per_hour: result.hours.map((h) => h.seconds),
      evaluations: result.timing.evaluations,
      samples: result.timing.samples,
      evaluations_per_s: result.timing.evaluations / solveS,
      samples_per_s: result.timing.samples / solveS,
      mean_samples_per_evaluation: result.timing.samples / result.timing.evaluations,
      carbon_reduction_by_hour: Object.fromEntries(result.hours.map((h) => [h.hour, 1 - h.metrics.average_carbon / h.homeMetrics.average_carbon])),
    },
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
  }),
);
