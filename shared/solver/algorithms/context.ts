import { nowMs } from '../clock.js';
import type { Candidate } from '../ranker.js';
import type { Rng } from '../rng.js';
import type { Constraints, DeploymentMetricsCalculator, PlanMetrics } from '../types.js';

export interface SearchContext {
  R: number;
  N: number;
  home: number;
  /** Permitted region indices per instance. */
  permitted: number[][];
  calculator: DeploymentMetricsCalculator;
  /** The workflow's edges as instance pairs [from, to] (the surrogate's pair terms); all pairs if absent. */
  edges?: Array<readonly [number, number]>;
  homeMetrics: PlanMetrics;
  constraints: Constraints;
  /** nowMs() (clock.ts) value after which the search stops with what it has. */
  deadlineMs: number;
  rng: Rng;
  /** Set by a search that stopped at the deadline. */
  timedOut: boolean;
}

export type SearchAlgorithm = (ctx: SearchContext) => Candidate[];

/** A placement's identity in the search's maps and sets (placementKey). */
export type PlacementKey = number | string;

/**
 * The key of placement p over R regions: its region indices as one base-R number while every such
 * number is an exact double (R^N ≤ 2^53: 12 regions × 14 instances), else the indices joined by
 * commas. A number costs no allocation; the string per evaluation was a tenth of a solve's garbage.
 */
export function placementKey(p: ArrayLike<number>, R: number): PlacementKey {
  const n = p.length;
  if (R ** n > Number.MAX_SAFE_INTEGER) return Array.prototype.join.call(p, ',');
  let code = 0;
  for (let i = n - 1; i >= 0; i--) code = code * R + p[i]!;
  return code;
}

/** The placement of N instances over R regions that placementKey(·, R) gave `key`. */
export function placementOfKey(key: PlacementKey, R: number, N: number): number[] {
  if (typeof key === 'string') return key.split(',').map(Number);
  const p = new Array<number>(N);
  let rest = key;
  for (let i = 0; i < N; i++) {
    const r = rest % R;
    p[i] = r;
    rest = (rest - r) / R;
  }
  return p;
}

export function pastDeadline(ctx: SearchContext): boolean {
  if (nowMs() >= ctx.deadlineMs) {
    ctx.timedOut = true;
    return true;
  }
  return false;
}
