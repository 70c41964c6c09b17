// Pair-aware surrogate of the plan metrics (issue 16): fitted by ridge least squares on every
// evaluated deployment, then minimised exactly by enumerating the permitted space (arithmetic only).
// Its form follows the cost and carbon formulas: a term per instance and region, plus, per edge of
// the workflow, a term of each endpoint's region that applies only when the endpoints are in
// different regions (egress is priced at the source; a transfer between regions is charged the mean
// of both intensities, within one region the region's own). Cost and carbon are exactly of that
// form in expectation; runtime (a longest path with pair latencies) only roughly.
import type { PlanMetrics } from '../types.js';

export const SURROGATE_METRICS = ['average_carbon', 'average_cost', 'average_runtime', 'tail_carbon', 'tail_cost', 'tail_runtime'] as const;

export interface Surrogate {
  /** Predicted metrics of a placement, in the order of SURROGATE_METRICS. */
  predict(placement: ArrayLike<number>, out: Float64Array): Float64Array;
  /** Mean of metric k (the constant term). */
  mean(k: number): number;
  /** Term of metric k for instance i in region r. */
  instanceTerm(k: number, i: number, r: number): number;
  /** Term of metric k for edge e with its endpoints in regions a and b (0 when a = b). */
  edgeTerm(k: number, e: number, a: number, b: number): number;
}

/**
 * Fits the surrogate on the given observations. `edges` are instance pairs [from, to].
 * Returns undefined when there are too few observations to say anything.
 */
export function fitSurrogate(
  N: number,
  R: number,
  edges: ReadonlyArray<readonly [number, number]>,
  observations: ReadonlyArray<{ placement: ArrayLike<number>; metrics: PlanMetrics }>,
): Surrogate | undefined {
  if (observations.length < 4) return undefined;
  const E = edges.length;
  const P = N * R + 2 * E * R;
  const K = SURROGATE_METRICS.length;
  // Normal equations (X'X + λI) w = X'y for each metric, on centred, scaled values.
  const mean = new Array<number>(K).fill(0);
  for (const o of observations) for (let k = 0; k < K; k++) mean[k]! += o.metrics[SURROGATE_METRICS[k]!] / observations.length;
  const scale = mean.map((m, k) => {
    let s = 0;
    for (const o of observations) s += (o.metrics[SURROGATE_METRICS[k]!] - m) ** 2;
    return Math.sqrt(s / observations.length) || 1;
  });
  const A = new Float64Array(P * P);
  const B = new Float64Array(P * K);
  const cols: number[] = [];
  const features = (p: ArrayLike<number>): number[] => {
    cols.length = 0;
    for (let i = 0; i < N; i++) cols.push(i * R + p[i]!);
    for (let e = 0; e < E; e++) {
      const [u, v] = edges[e]!;
      if (p[u] === p[v]) continue;
      cols.push(N * R + e * 2 * R + p[u]!, N * R + e * 2 * R + R + p[v]!);
    }
    return cols;
  };
  for (const o of observations) {
    const c = features(o.placement);
    for (const a of c) {
      for (const b of c) A[a * P + b]! += 1;
      for (let k = 0; k < K; k++) B[a * K + k]! += (o.metrics[SURROGATE_METRICS[k]!] - mean[k]!) / scale[k]!;
    }
  }
  // A small ridge: unobserved terms stay at 0 (the mean), observed ones are nearly unbiased.
  for (let a = 0; a < P; a++) A[a * P + a]! += 1e-3;
  // Cholesky (A is symmetric positive definite).
  for (let j = 0; j < P; j++) {
    let d = A[j * P + j]!;
    for (let t = 0; t < j; t++) d -= A[j * P + t]! ** 2;
    const l = Math.sqrt(Math.max(d, 1e-12));
    A[j * P + j] = l;
    for (let i = j + 1; i < P; i++) {
      let s = A[i * P + j]!;
      for (let t = 0; t < j; t++) s -= A[i * P + t]! * A[j * P + t]!;
      A[i * P + j] = s / l;
    }
  }
  const W = new Float64Array(P * K);
  for (let k = 0; k < K; k++) {
    const z = new Float64Array(P);
    for (let i = 0; i < P; i++) {
      let s = B[i * K + k]!;
      for (let t = 0; t < i; t++) s -= A[i * P + t]! * z[t]!;
      z[i] = s / A[i * P + i]!;
    }
    for (let i = P - 1; i >= 0; i--) {
      let s = z[i]!;
      for (let t = i + 1; t < P; t++) s -= A[t * P + i]! * W[t * K + k]!;
      W[i * K + k] = s / A[i * P + i]!;
    }
    for (let i = 0; i < P; i++) W[i * K + k]! *= scale[k]!;
  }
  return {
    predict(placement, out) {
      for (let k = 0; k < K; k++) out[k] = mean[k]!;
      const add = (a: number) => {
        for (let k = 0; k < K; k++) out[k]! += W[a * K + k]!;
      };
      for (let i = 0; i < N; i++) add(i * R + placement[i]!);
      for (let e = 0; e < E; e++) {
        const [u, v] = edges[e]!;
        if (placement[u] === placement[v]) continue;
        add(N * R + e * 2 * R + placement[u]!);
        add(N * R + e * 2 * R + R + placement[v]!);
      }
      return out;
    },
    mean: (k) => mean[k]!,
    instanceTerm: (k, i, r) => W[(i * R + r) * K + k]!,
    edgeTerm: (k, e, a, b) => (a === b ? 0 : W[(N * R + e * 2 * R + a) * K + k]! + W[(N * R + e * 2 * R + R + b) * K + k]!),
  };
}
