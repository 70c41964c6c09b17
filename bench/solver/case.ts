// One benchmark case in its own process (so peak memory is the case's own): prints one JSON line.
// Usage: node --import tsx bench/solver/case.ts <shape> <simple|go> <workers> [full|ci]
import { availableParallelism, loadavg } from 'node:os';
import { KERNEL_POLICY } from '../../shared/solver/calculators/fast-kernel.js';
import { createCalculator } from '../../shared/solver/calculators/index.js';
import { exhaustiveOptimum, recheckPlan } from '../../shared/solver/index.js';
import { loadSolverInput } from '../../shared/solver/importer.js';
import { prepareModel, type PreparedModel } from '../../shared/solver/model.js';
import { solveWorkflow, type SolveOptions, type SolveResult } from '../../shared/solver/solve.js';
import type { CalculatorType, Constraint, DeploymentMetricsCalculator, MetricName, SolverInput } from '../../shared/solver/types.js';

const [shape = 'map_reduce', calculatorArg = 'go', workersArg = '0', profile = 'full'] = process.argv.slice(2);
const calculator = calculatorArg as CalculatorType;
const workers = workersArg === 'cores' ? availableParallelism() : Number(workersArg);
const ci = profile === 'ci';
const fixtures = new URL('../../test/fixtures/solver/', import.meta.url).pathname;
const HOURS = [0, 6, 12, 18];
const EQUAL_WORK = { minSamples: 2000, maxSamples: 2000 };
const RECHECK_SAMPLES = 20_000;
const RECHECK_SEED = 1_000_003;

const input = await loadSolverInput(`${fixtures}data`, `${fixtures}${shape}.json`);
const model = prepareModel(input);
const loadAtStart = loadavg()[0]!;

const cpuMsNow = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => sorted(xs)[Math.floor((xs.length - 1) / 2)]!;

// 1. One evaluation with exactly 2,000 samples, on this thread, after a warm-up. The go rounds
// measure both sample loops (fast-kernel.ts): the JavaScript reference loop first, then the
// WebAssembly kernel the calculator uses (ADR 0203).
const placements = [new Array<number>(model.N).fill(model.home), model.permitted.map((p) => p[p.length - 1]!)];
const slow = calculator === 'simple';
const reps = slow ? 10 : ci ? 30 : 100;
const rounds = ci ? 3 : 7;
function evaluationRounds(): { calc: DeploymentMetricsCalculator; wallMs: number[]; cpuMs: number[] } {
  const calc = createCalculator(calculator, model, { seed: 1, ...EQUAL_WORK });
  calc.setHour(12);
  const warm = slow ? 5 : 40;
  for (let i = 0; i < warm; i++) calc.evaluate(placements[i % 2]!);
  const wallMs: number[] = [];
  const cpuMs: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const t0 = performance.now();
    const cpu0 = cpuMsNow();
    for (let i = 0; i < reps; i++) calc.evaluate(placements[i % 2]!);
    // CPU time of this process over the loop: on a shared machine it is the fairer single-core figure.
    cpuMs.push((cpuMsNow() - cpu0) / reps);
    wallMs.push((performance.now() - t0) / reps);
  }
  return { calc, wallMs, cpuMs };
}
const defaultKernel = KERNEL_POLICY.kernel;
KERNEL_POLICY.kernel = 'js';
const generic = slow ? undefined : evaluationRounds();
KERNEL_POLICY.kernel = defaultKernel;
const { calc, wallMs, cpuMs } = evaluationRounds();

// 2. Whole solves. Each configuration runs `runs` times in this process, every run a fresh
// solveWorkflow (model prepared, calculator built, hours solved): `first` includes the JIT warm-up
// of the search code, `median` is the steady state of a long-lived process (the deployment manager).
interface SolveRun {
  wall_ms: number;
  cpu_ms: number;
}
async function timedSolves(options: SolveOptions, runs: number, solveInput: SolverInput = input) {
  const out: SolveRun[] = [];
  let last: SolveResult | undefined;
  for (let r = 0; r < runs; r++) {
    const w0 = performance.now();
    const c0 = cpuMsNow();
    last = await solveWorkflow(solveInput, { seed: 1, workers, calculator, ...options });
    out.push({ cpu_ms: cpuMsNow() - c0, wall_ms: performance.now() - w0 });
  }
  const result = last!;
  return {
    runs,
    first: out[0]!,
    median: { wall_ms: median(out.map((o) => o.wall_ms)), cpu_ms: median(out.map((o) => o.cpu_ms)) },
    evaluations: result.timing.evaluations,
    samples: result.timing.samples,
    mean_samples_per_evaluation: result.timing.samples / result.timing.evaluations,
    carbon_reduction_by_hour: Object.fromEntries(
      result.hours.map((h) => [h.hour, 1 - h.metrics.average_carbon / h.homeMetrics.average_carbon]),
    ),
    result,
  };
}
const strip = <T extends { result: unknown }>(x: T): Omit<T, 'result'> => {
  const { result: _ignored, ...rest } = x;
  return rest;
};

const runsFast = ci ? 2 : 5;
const runsOf = (cheap: boolean) => (slow ? 1 : cheap ? runsFast : ci ? 1 : 3);
const equalWork = {
  coarse_1h: await timedSolves({ hours: [0], algorithm: 'coarse', monteCarlo: EQUAL_WORK }, runsOf(true)),
  coarse_4h: await timedSolves({ hours: HOURS, algorithm: 'coarse', monteCarlo: EQUAL_WORK }, runsOf(true)),
  stochastic_1h: await timedSolves({ hours: [0], algorithm: 'stochastic', monteCarlo: EQUAL_WORK }, runsOf(false)),
  ...(ci || slow ? {} : { stochastic_4h: await timedSolves({ hours: HOURS, algorithm: 'stochastic', monteCarlo: EQUAL_WORK }, 1) }),
};

// 3. Early stopping (adaptive Monte Carlo, the default 200..2,000 samples): less work, reported apart.
const adaptive = { stochastic_4h: await timedSolves({ hours: HOURS, algorithm: 'stochastic' }, runsOf(false)) };

// 4. Constraint re-check: the same workflow with hard limits just above home (tail cost ≤ 101% and
// tail runtime ≤ 150% of home's), solved with default (adaptive) settings and at 2,000 samples;
// each hour's chosen plan and home are re-evaluated on 20,000 samples with another seed, through the
// public calculator API, and every hard constraint is checked on those figures.
const HARD: Partial<Record<MetricName, Constraint>> = { cost: { type: 'relative', value: 101 }, runtime: { type: 'relative', value: 150 } };
const constrained: SolverInput = { ...input, constraints: { ...input.constraints, hard: HARD } };
// recheckPlan (shared/solver/guarantee.ts): plan and home on 20,000 draws of an unused seed, each
// hard constraint judged on the point tails (as the Python system judges them).
function recheck(result: SolveResult) {
  return result.hours.map((h) => {
    const r = recheckPlan(model, calc, HARD, h.hour, h.placement, RECHECK_SAMPLES, RECHECK_SEED);
    const constraints = Object.entries(HARD).map(([metric, c]) => {
      const key = `tail_${metric as MetricName}` as const;
      const limit = c!.type === 'absolute' ? c!.value : (c!.value * r.home[key]) / 100;
      return { metric, limit, value: r.plan[key], holds: !r.broken.includes(key) };
    });
    return {
      hour: h.hour,
      fell_back_to_home: h.fellBackToHome,
      at_home: h.placement.every((x) => x === model.home),
      ...(h.reason ? { reason: h.reason } : {}),
      constraints,
      holds: r.broken.length === 0,
    };
  });
}
// Plans do not depend on the calculator (they agree to ~1e-15) or the thread: checked once, on go/main.
const rechecks = [];
const recheckConfigs =
  calculator === 'go' && workers === 0
    ? ([
        ['adaptive', undefined],
        ['2000_samples', EQUAL_WORK],
      ] as const)
    : [];
for (const [label, mc] of recheckConfigs) {
  for (const algorithm of ['coarse', 'stochastic'] as const) {
    const result = await solveWorkflow(constrained, {
      hours: HOURS,
      algorithm,
      seed: 1,
      workers: 0,
      calculator,
      ...(mc ? { monteCarlo: mc } : {}),
    });
    const hours = recheck(result);
    rechecks.push({ monte_carlo: label, algorithm, all_hold: hours.every((h) => h.holds), hours });
  }
}

// 5. Optimum gap on cases small enough for exhaustive search (≤ OPTIMUM_MAX_DEPLOYMENTS placements):
// per hour the exhaustive optimum (exhaustiveOptimum, finalists' common draws) without and with the
// hard limits above; each solve's plan and the optimum are then re-evaluated on the same 20,000
// independent draws (recheckPlan), and the gap is the plan's relative excess of mean carbon (the
// first priority). On go, main thread only (plans do not depend on calculator or thread).
const OPTIMUM_MAX_DEPLOYMENTS = 5_000;
const OPTIMUM_REGIONS = 3;
const deploymentsOf = (m: PreparedModel) => m.permitted.reduce((n, p) => n * p.length, 1);
async function optimumGap(base: SolverInput, m: PreparedModel, like: DeploymentMetricsCalculator) {
  const deployments = deploymentsOf(m);
  const baseConstrained: SolverInput = { ...base, constraints: { ...base.constraints, hard: HARD } };
  const out = [];
  const optima = new Map<string, ReturnType<typeof exhaustiveOptimum>>();
  for (const [label, solveInput] of [
    ['unconstrained', base],
    ['hard_limits', baseConstrained],
  ] as const) {
    for (const algorithm of ['coarse', 'stochastic'] as const) {
      const result = await solveWorkflow(solveInput, { hours: HOURS, algorithm, seed: 1, workers: 0, calculator });
      const hours = result.hours.map((h) => {
        const key = `${label}/${h.hour}`;
        if (!optima.has(key)) optima.set(key, exhaustiveOptimum(m, like, { hour: h.hour, seed: 1, constraints: solveInput.constraints }));
        const opt = optima.get(key)!;
        if (!opt.best) return { hour: h.hour, optimum: null, plan_at_home: h.fellBackToHome };
        const hard = solveInput.constraints.hard;
        const plan = recheckPlan(m, like, hard, h.hour, h.placement, RECHECK_SAMPLES, RECHECK_SEED).plan;
        const best = recheckPlan(m, like, hard, h.hour, opt.best.placement, RECHECK_SAMPLES, RECHECK_SEED).plan;
        return {
          hour: h.hour,
          same_placement: opt.best.placement.every((r, i) => r === h.placement[i]),
          carbon_gap: plan.average_carbon / best.average_carbon - 1,
          plan_average_carbon: plan.average_carbon,
          optimum_average_carbon: best.average_carbon,
          compliant_deployments: opt.compliant,
        };
      });
      const gaps: number[] = hours.flatMap((h) => ('carbon_gap' in h && h.carbon_gap !== undefined ? [h.carbon_gap] : []));
      out.push({ constraints: label, algorithm, max_carbon_gap: gaps.length > 0 ? Math.max(...gaps) : null, hours });
    }
  }
  return { deployments, samples: RECHECK_SAMPLES, seed: RECHECK_SEED, solves: out };
}
// Too many deployments for exhaustive search: the same workflow with every instance restricted to
// home and the two regions of lowest overall carbon intensity (3^N deployments), when that fits.
function restricted(): SolverInput | undefined {
  if (OPTIMUM_REGIONS ** model.N > OPTIMUM_MAX_DEPLOYMENTS) return undefined;
  const ci = model.carbonIntensity('overall').regions;
  const greenest = model.regionKeys
    .map((k, r) => ({ k, c: ci[r]! }))
    .filter((x) => x.k !== input.homeRegion)
    .sort((a, b) => a.c - b.c)
    .slice(0, OPTIMUM_REGIONS - 1)
    .map((x) => x.k);
  const keep = new Set([input.homeRegion, ...greenest]);
  return { ...input, instances: input.instances.map((i) => ({ ...i, permittedRegions: i.permittedRegions.filter((r) => keep.has(r)) })) };
}
async function optimumGapReport() {
  if (!(calculator === 'go' && workers === 0)) return { note: 'measured on the go calculator on the main thread (same plans)' };
  if (deploymentsOf(model) <= OPTIMUM_MAX_DEPLOYMENTS) return await optimumGap(input, model, calc);
  // ~3 min CPU for the 7-instance workflow (8 exhaustive passes over 1,458 deployments): full profile only.
  if (ci) return { note: `${deploymentsOf(model)} deployments; the restricted exhaustive comparison runs in the full profile only` };
  const small = restricted();
  if (!small)
    return {
      note: `${deploymentsOf(model)} deployments, and ${OPTIMUM_REGIONS}^${model.N} with ${OPTIMUM_REGIONS} regions per instance: too many for exhaustive search here (limit ${OPTIMUM_MAX_DEPLOYMENTS})`,
    };
  const m = prepareModel(small);
  const gap = await optimumGap(small, m, createCalculator(calculator, m, { seed: 1 }));
  return { restricted_to: [...new Set(small.instances.flatMap((i) => i.permittedRegions))].sort(), ...gap };
}
const optimum = await optimumGapReport();

console.log(
  JSON.stringify({
    shape,
    calculator,
    workers,
    profile,
    instances: model.N,
    edges: model.edges.length,
    regions: model.R,
    load_average_1m: { start: loadAtStart, end: loadavg()[0]! },
    evaluation_2000_samples_ms: Math.min(...wallMs),
    evaluation_2000_samples_cpu_ms: Math.min(...cpuMs),
    evaluation_2000_samples_median_ms: median(wallMs),
    evaluation_2000_samples_median_cpu_ms: median(cpuMs),
    evaluation_samples_per_cpu_s: 2000 / (Math.min(...cpuMs) / 1000),
    ...(generic ? { evaluation_2000_samples_generic_loop_cpu_ms: Math.min(...generic.cpuMs) } : {}),
    equal_work_2000_samples: Object.fromEntries(Object.entries(equalWork).map(([k, v]) => [k, strip(v)])),
    early_stopping: Object.fromEntries(Object.entries(adaptive).map(([k, v]) => [k, strip(v)])),
    constraint_recheck:
      rechecks.length > 0
        ? { hard: HARD, samples: RECHECK_SAMPLES, seed: RECHECK_SEED, all_hold: rechecks.every((r) => r.all_hold), solves: rechecks }
        : { note: 'checked on the go calculator on the main thread (same plans)' },
    optimum_gap: optimum,
    peak_rss_mib: process.resourceUsage().maxRSS / 1024,
  }),
);
