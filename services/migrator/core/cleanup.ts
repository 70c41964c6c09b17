// Pure clean-up decisions (the Python system never removed a regional deployment). A (function,
// region) outside the home region that the published plan does not use is "released" from the
// moment a plan stopped using it (or its plan expired); it is removed once a grace period has
// passed since then. The grace covers every run that may still send to it: a run carries the
// endpoints it started with, so it must outlive the longest run plus the queue's retention.
import type { PlacementPlan, RegionKey } from '../../../shared/contracts/placement.js';
import { frKey, functionRegionsOf, type DeployedRegions, type FunctionRegion } from './plan.js';

export interface CleanupInput {
  deployed: DeployedRegions;
  home: RegionKey;
  /** The plan in the placement document after this task's publish (if any). */
  plan: PlacementPlan | undefined;
  instanceFunctions: Record<string, string>;
  now: Date;
  graceS: number;
}

export interface CleanupDecision {
  /** Pairs to remove now. */
  remove: FunctionRegion[];
  /** released_at per pair key after this decision (absent: in use, so not released). */
  releasedAt: Map<string, string>;
  /** Earliest instant another pair becomes removable (the router fans out then), if any. */
  nextDueAt?: string;
}

export function decideCleanup(input: CleanupInput): CleanupDecision {
  const { plan, now } = input;
  const planLive = plan !== undefined && now.getTime() <= Date.parse(plan.expiry_time);
  const used = new Set(functionRegionsOf(plan, input.instanceFunctions).map(frKey));
  const remove: FunctionRegion[] = [];
  const releasedAt = new Map<string, string>();
  let nextDueMs: number | undefined;
  for (const [fn, regions] of Object.entries(input.deployed)) {
    for (const [region, resources] of Object.entries(regions)) {
      if (region === input.home) continue; // the home region is never removed
      const fr = { fn, region };
      const key = frKey(fr);
      if (used.has(key) && planLive) continue; // in use
      // Unused since: when its plan expired (if that came first), else when it was released.
      const candidates = [resources.released_at ? Date.parse(resources.released_at) : now.getTime()];
      if (used.has(key) && plan) candidates.push(Date.parse(plan.expiry_time));
      const sinceMs = Math.min(...candidates);
      releasedAt.set(key, new Date(sinceMs).toISOString());
      const dueMs = sinceMs + input.graceS * 1000;
      if (now.getTime() >= dueMs) remove.push(fr);
      else nextDueMs = Math.min(nextDueMs ?? dueMs, dueMs);
    }
  }
  return { remove, releasedAt, ...(nextDueMs !== undefined ? { nextDueAt: new Date(nextDueMs).toISOString() } : {}) };
}
