// Region selection for a run (caribou-spec §3.6) with the Python system's bugs fixed: the hour key
// is compared numerically, and the plan's expiry is honoured at every hop, not only at the entry.
import type { PlacementPlan, RegionKey, WorkflowPlacementDocument } from '../contracts/placement.js';
import { NotFoundError } from '../errors.js';
import type { RunContext } from './envelope.js';

/** The numerically largest plan hour ≤ the current UTC hour (wrapping to the previous day's last). */
export function chooseTimeKey(plan: PlacementPlan | undefined, now: Date): number | null {
  if (!plan || plan.time_keys.length === 0) return null;
  const keys = [...plan.time_keys].map(Number).sort((a, b) => a - b);
  const hour = now.getUTCHours();
  const atOrBefore = keys.filter((k) => k <= hour);
  return atOrBefore.length > 0 ? atOrBefore[atOrBefore.length - 1]! : keys[keys.length - 1]!;
}

export { DEFAULT_HOME_REGION_RUN_RATIO } from '../contracts/placement-defaults.js';

export const planExpired = (expiryTime: string | null, now: Date) => expiryTime !== null && now.getTime() > Date.parse(expiryTime);

export interface StartRunOptions {
  runId: string;
  now: Date;
  /** Uniform [0, 1) draw deciding whether the run stays home. */
  draw: number;
  homeRunRatio: number;
  requestSource: string;
}

/** Fixes a run's placement from the stored WPD (used by `caribou run` and by external triggers). */
export function startRun(wpd: WorkflowPlacementDocument, options: StartRunOptions): RunContext {
  const plan = wpd.current_deployment;
  const usable = plan && !planExpired(plan.expiry_time, options.now) ? plan : undefined;
  const timeKey = chooseTimeKey(usable, options.now);
  return {
    workflow_id: wpd.workflow_id,
    run_id: options.runId,
    home_region: wpd.home_region,
    send_to_home: options.draw < options.homeRunRatio,
    time_key: timeKey,
    expiry_time: usable ? usable.expiry_time : null,
    placement: usable && timeKey !== null ? (usable.hours[String(timeKey)] ?? null) : null,
    endpoints: wpd.endpoints,
    started_at: options.now.toISOString(),
    request_source: options.requestSource,
  };
}

/** Region of an instance for this run at `now`: home unless the run's plan applies and is fresh. */
export function regionFor(run: RunContext, instance: string, now: Date): RegionKey {
  if (run.send_to_home || !run.placement || planExpired(run.expiry_time, now)) return run.home_region;
  return run.placement[instance] ?? run.home_region;
}

/** Queue of `functionName` in `region`, falling back to home when that region has no deployment. */
export function endpointFor(run: RunContext, functionName: string, region: RegionKey): { region: RegionKey; queueUrl: string } {
  const perRegion = run.endpoints[functionName];
  const chosen = perRegion?.[region] ?? perRegion?.[run.home_region];
  if (!chosen) throw new NotFoundError(`no deployed endpoint for function ${functionName} (region ${region} nor home ${run.home_region})`);
  return { region: perRegion?.[region] ? region : run.home_region, queueUrl: chosen.queue_url };
}

/** "aws:us-east-1" -> "us-east-1". */
export const regionCode = (key: RegionKey) => key.slice(key.indexOf(':') + 1);
