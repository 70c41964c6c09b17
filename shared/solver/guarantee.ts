// Constraints as guarantees (issue 16). The search's evaluations stop adaptively (200..2,000
// samples), so two deployments may be compared on different numbers of draws and a tail near a
// limit is a noisy point estimate. Finalists are therefore re-evaluated on one fixed, larger set of
// common random draws (the same draws for every finalist and for home), ranked on those, and a plan
// is choosable only if, for every hard constraint, an upper confidence bound of its 95th percentile
// is inside the limit: absolute limits use a distribution-free order-statistic bound; relative
// limits (percent of home) bound the ratio plan p95 / home p95 by a paired bootstrap over the same
// draws, so a plan as dear as home is not rejected for home's own sampling noise.
import { createCalculator } from './calculators/index.js';
import { lastSampleSet, type SampleBuffers } from './calculators/monte-carlo.js';
import { TAIL_PERCENTILE } from './constants.js';
import type { PreparedModel } from './model.js';
import { Rng, mixSeed } from './rng.js';
import { mean, percentileLinear } from './stats.js';
import type { Constraint, Constraints, DeploymentMetricsCalculator, MetricName, Placement, PlanMetrics } from './types.js';

export const GUARANTEE_DEFAULTS = {
  /** Common draws per finalist. */
  samples: 4000,
  /** One-sided confidence of each tail bound (z = 3.09). */
  confidence: 0.999,
  /** Finalists re-evaluated per round, best first by the search's own metrics (hard constraints set). */
  finalistsPerRound: 8,
  /** Finalists re-ranked when no hard constraint is set (fair comparison only). */
  fairFinalists: 5,
  /**
   * A search that measured every top candidate on this many draws or more (a fixed count, common
   * draws) decides the ranking itself when no hard constraint is set.
   */
  decisionSamples: 2000,
  /** At most this many finalists in total before falling back to home. */
  maxFinalists: 32,
  /** Paired bootstrap resamples for the ratio to home (relative limits). */
  bootstrapResamples: 100,
} as const;

const METRICS: readonly MetricName[] = ['cost', 'runtime', 'carbon'];

export type TailTriple = Record<MetricName, number>;

export interface VerifiedMetrics {
  /** Point estimates on the common draws (means, p95 tails). */
  metrics: PlanMetrics;
  /** Upper / lower one-sided confidence bounds of the p95 of each metric. */
  upper: TailTriple;
  lower: TailTriple;
  /**
   * Upper confidence bound of (plan p95 / home p95) on paired draws, for the metrics asked for in
   * evaluate(); 1 for home itself.
   */
  ratioUpper: Partial<TailTriple>;
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1)
    );
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/**
 * 1-based ranks of the order statistics that bound the p-quantile from above and below with the
 * given one-sided confidence: the number of draws below the true quantile is Binomial(n, p), so
 * X(hi) ≥ q and X(lo) ≤ q each hold with that confidence (normal approximation with continuity
 * correction; distribution-free otherwise).
 */
export function quantileBoundRanks(n: number, p: number, confidence: number): { lo: number; hi: number } {
  const z = normalQuantile(confidence);
  const sd = Math.sqrt(n * p * (1 - p));
  return {
    lo: Math.max(1, Math.floor(n * p - z * sd + 0.5)),
    hi: Math.min(n, Math.ceil(n * p + z * sd + 0.5)),
  };
}

function orderStatistic(values: Float64Array, n: number, rank: number, scratch: Float64Array): number {
  // percentileLinear at position rank − 1 is that order statistic (no interpolation weight).
  return percentileLinear(values, n, n > 1 ? (100 * (rank - 1)) / (n - 1) : 50, scratch);
}

/**
 * Evaluates deployments on one fixed set of common draws (`samples` per deployment, no early stop)
 * with the same calculator type as the search, and reads the tail bounds from those draws.
 */
export class Verifier {
  evaluations = 0;
  readonly samples: number;
  readonly confidence: number;
  private readonly calculator: DeploymentMetricsCalculator;
  private readonly scratch: Float64Array;
  private readonly ranks: { lo: number; hi: number };
  private readonly z: number;
  /** Home's draws of the current hour (copied: the calculator's buffers are reused). */
  private readonly home = { cost: new Float64Array(0), runtime: new Float64Array(0), carbon: new Float64Array(0) };
  private homeTail: TailTriple = { cost: 0, runtime: 0, carbon: 0 };
  private resampleIndex: Int32Array | undefined;
  private readonly tmpA: Float64Array;
  private readonly tmpB: Float64Array;
  private readonly ratios = new Float64Array(GUARANTEE_DEFAULTS.bootstrapResamples);

  constructor(
    model: PreparedModel,
    like: DeploymentMetricsCalculator,
    readonly seed: number,
    samples: number = GUARANTEE_DEFAULTS.samples,
    confidence: number = GUARANTEE_DEFAULTS.confidence,
  ) {
    this.samples = Math.max(2, Math.floor(samples));
    this.confidence = confidence;
    this.calculator = createCalculator(like.type, model, {
      seed,
      minSamples: this.samples,
      maxSamples: this.samples,
      batchSize: this.samples,
    });
    this.scratch = new Float64Array(this.samples);
    this.tmpA = new Float64Array(this.samples);
    this.tmpB = new Float64Array(this.samples);
    this.ranks = quantileBoundRanks(this.samples, TAIL_PERCENTILE / 100, confidence);
    this.z = normalQuantile(confidence);
    this.home.cost = new Float64Array(this.samples);
    this.home.runtime = new Float64Array(this.samples);
    this.home.carbon = new Float64Array(this.samples);
  }

  /** Evaluates home and keeps its draws as the reference of relative limits. */
  evaluateHome(placement: Placement): VerifiedMetrics {
    const v = this.evaluate(placement);
    const b = lastSampleSet.buffers!;
    this.home.cost.set(b.cost.subarray(0, this.samples));
    this.home.runtime.set(b.runtime.subarray(0, this.samples));
    this.home.carbon.set(b.carbon.subarray(0, this.samples));
    this.homeTail = { cost: v.metrics.tail_cost, runtime: v.metrics.tail_runtime, carbon: v.metrics.tail_carbon };
    for (const m of METRICS) v.ratioUpper[m] = 1;
    return v;
  }

  /** The same resampled indices for every plan (common resamples), drawn once. */
  private indices(): Int32Array {
    if (!this.resampleIndex) {
      const n = this.samples;
      const idx = new Int32Array(n * GUARANTEE_DEFAULTS.bootstrapResamples);
      const rng = new Rng(mixSeed(this.seed, 0xb007));
      for (let k = 0; k < idx.length; k++) idx[k] = rng.index(n);
      this.resampleIndex = idx;
    }
    return this.resampleIndex;
  }

  /** Point ratio of the p95s + z × bootstrap standard deviation, on paired resamples. */
  private ratioBound(plan: Float64Array, planTail: number, metric: MetricName): number {
    const n = this.samples;
    const home = this.home[metric];
    const homeTail = this.homeTail[metric];
    const ratio = (a: number, b: number) => (b > 0 ? a / b : a > 0 ? Infinity : 1);
    const idx = this.indices();
    const B = GUARANTEE_DEFAULTS.bootstrapResamples;
    for (let r = 0; r < B; r++) {
      const off = r * n;
      for (let k = 0; k < n; k++) {
        const j = idx[off + k]!;
        this.tmpA[k] = plan[j]!;
        this.tmpB[k] = home[j]!;
      }
      this.ratios[r] = ratio(
        percentileLinear(this.tmpA, n, TAIL_PERCENTILE, this.scratch),
        percentileLinear(this.tmpB, n, TAIL_PERCENTILE, this.scratch),
      );
    }
    const m = mean(this.ratios, B);
    let ss = 0;
    for (let r = 0; r < B; r++) ss += (this.ratios[r]! - m) ** 2;
    return ratio(planTail, homeTail) + this.z * Math.sqrt(ss / (B - 1));
  }

  setHour(hour: number | 'overall'): void {
    this.calculator.setHour(hour);
  }

  /** `ratioMetrics`: metrics whose ratio to home (evaluateHome first) needs an upper bound. */
  evaluate(placement: Placement, ratioMetrics: readonly MetricName[] = []): VerifiedMetrics {
    const serial = lastSampleSet.serial;
    const r = this.calculator.evaluate(placement);
    const set = lastSampleSet;
    if (set.serial !== serial + 1 || set.n !== this.samples || !set.buffers) {
      throw new Error(
        'calculator did not summarize its draws through monte-carlo.ts summarize(); the constraint guarantee cannot read them',
      );
    }
    this.evaluations++;
    const b: SampleBuffers = set.buffers;
    const n = set.n;
    const bound = (xs: Float64Array, rank: number) => orderStatistic(xs, n, rank, this.scratch);
    const ratioUpper: Partial<TailTriple> = {};
    for (const m of ratioMetrics) ratioUpper[m] = this.ratioBound(b[m], r[`tail_${m}`], m);
    return {
      metrics: {
        average_cost: r.average_cost,
        average_runtime: r.average_runtime,
        average_carbon: r.average_carbon,
        tail_cost: r.tail_cost,
        tail_runtime: r.tail_runtime,
        tail_carbon: r.tail_carbon,
      },
      upper: { cost: bound(b.cost, this.ranks.hi), runtime: bound(b.runtime, this.ranks.hi), carbon: bound(b.carbon, this.ranks.hi) },
      lower: { cost: bound(b.cost, this.ranks.lo), runtime: bound(b.runtime, this.ranks.lo), carbon: bound(b.carbon, this.ranks.lo) },
      ratioUpper,
    };
  }
}

/** One verifier per search calculator and seed: created once per solve (per worker), not per hour. */
const verifiers = new WeakMap<DeploymentMetricsCalculator, Verifier>();

export function verifierFor(
  model: PreparedModel,
  calculator: DeploymentMetricsCalculator,
  seed: number,
  samples: number = GUARANTEE_DEFAULTS.samples,
): Verifier {
  const known = verifiers.get(calculator);
  if (known && known.samples === Math.max(2, Math.floor(samples)) && known.seed === seed) return known;
  const v = new Verifier(model, calculator, seed, samples);
  verifiers.set(calculator, v);
  return v;
}

function fmt(x: number): string {
  return Number(x.toPrecision(4)).toString();
}

/** Metrics whose hard constraint is relative (need the paired ratio bound). */
export function relativeMetrics(hard: Constraints['hard']): MetricName[] {
  return METRICS.filter((m) => hard[m]?.type === 'relative');
}

/**
 * Why a verified deployment may not be chosen, or undefined when every hard constraint holds:
 * absolute: the order-statistic upper bound of the p95 ≤ the limit; relative: the paired upper
 * bound of p95(plan) / p95(home) ≤ value / 100 (home itself: ratio 1). Evaluate with
 * `relativeMetrics(hard)` so the ratio bounds are there.
 */
export function hardViolation(v: VerifiedMetrics, hard: Constraints['hard'], isHome = false): string | undefined {
  for (const metric of METRICS) {
    const c: Constraint | undefined = hard[metric];
    if (!c) continue;
    if (c.type === 'relative') {
      const ratio = isHome ? 1 : v.ratioUpper[metric];
      if (ratio === undefined) throw new Error(`ratio bound of ${metric} not computed`);
      if (ratio > c.value / 100) {
        return `tail_${metric} / home's: upper bound ${fmt(ratio * 100)}% > ${fmt(c.value)}%`;
      }
    } else if (v.upper[metric] > c.value) {
      return `tail_${metric} upper bound ${fmt(v.upper[metric])} > limit ${fmt(c.value)}`;
    }
  }
  return undefined;
}

export function hasHardConstraints(hard: Constraints['hard']): boolean {
  return METRICS.some((m) => hard[m] !== undefined && hard[m] !== null);
}

export interface RecheckResult {
  plan: PlanMetrics;
  home: PlanMetrics;
  /** Hard constraints broken by the point values on the independent draws (e.g. "tail_cost"). */
  broken: string[];
}

/**
 * Independent re-check of a chosen plan (tests, benchmark): plan and home on `samples` draws of a
 * seed the solve did not use, hard constraints judged on the point tails as the Python system does.
 */
export function recheckPlan(
  model: PreparedModel,
  like: DeploymentMetricsCalculator,
  hard: Constraints['hard'],
  hour: number,
  placement: Placement,
  samples = 20_000,
  seed = 0xdecaf,
): RecheckResult {
  const calc = createCalculator(like.type, model, { seed, minSamples: samples, maxSamples: samples, batchSize: samples });
  calc.setHour(hour);
  const strip = (r: PlanMetrics): PlanMetrics => ({
    average_cost: r.average_cost,
    average_runtime: r.average_runtime,
    average_carbon: r.average_carbon,
    tail_cost: r.tail_cost,
    tail_runtime: r.tail_runtime,
    tail_carbon: r.tail_carbon,
  });
  const home = strip(calc.evaluate(new Array<number>(model.N).fill(model.home)));
  const plan = strip(calc.evaluate(placement));
  const broken: string[] = [];
  for (const metric of METRICS) {
    const c = hard[metric];
    if (!c) continue;
    const limit = c.type === 'absolute' ? c.value : (c.value * home[`tail_${metric}`]) / 100;
    if (plan[`tail_${metric}`] > limit) broken.push(`tail_${metric}`);
  }
  return { plan, home, broken };
}
