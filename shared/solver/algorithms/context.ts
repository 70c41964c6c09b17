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

export function placementKey(p: ArrayLike<number>): string {
  return Array.prototype.join.call(p, ',');
}

export function pastDeadline(ctx: SearchContext): boolean {
  if (nowMs() >= ctx.deadlineMs) {
    ctx.timedOut = true;
    return true;
  }
  return false;
}
