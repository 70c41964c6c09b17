// Formatters: a SolveResult → the stored PlacementPlan (shared/contracts/placement.ts) the runtime
// and migrator read, and → the Python system's staging-area value (caribou-spec §4.5).
import type { PlacementPlan, PlanMetrics } from '../contracts/placement.js';
import type { SolveResult } from './solve.js';

export interface PlanOptions {
  /** When the plan is made (default now). */
  now?: Date;
  /** Seconds until the plan expires (default 86,400). */
  expirySeconds?: number;
}

export function toPlacementPlan(result: SolveResult, options: PlanOptions = {}): PlacementPlan {
  const now = options.now ?? new Date();
  const expiry = new Date(now.getTime() + (options.expirySeconds ?? 86_400) * 1000);
  const sorted = [...result.hours].sort((a, b) => a.hour - b.hour);
  const hours: PlacementPlan['hours'] = {};
  const metrics: NonNullable<PlacementPlan['metrics']> = {};
  for (const h of sorted) {
    hours[String(h.hour)] = { ...h.placementByInstance };
    metrics[String(h.hour)] = { metrics: { ...h.metrics }, home_metrics: { ...h.homeMetrics } };
  }
  return { expiry_time: expiry.toISOString(), time_keys: sorted.map((h) => h.hour), hours, metrics };
}

/** The Python staging-area shape, for tools that still read it. */
export interface StagingAreaValue {
  time_keys_to_staging_area_data: Record<string, Record<string, { provider_region: { provider: string; region: string } }>>;
  deployment_metrics: Record<string, PlanMetrics>;
  expiry_time: string;
}

/** Python TIME_FORMAT: "%Y-%m-%d %H:%M:%S,%f%z", e.g. "2024-03-09 18:26:24,469750+0000". */
export function pythonTime(d: Date): string {
  const iso = d.toISOString(); // 2024-03-09T18:26:24.469Z
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}000+0000`;
}

export function toStagingArea(plan: PlacementPlan): StagingAreaValue {
  const data: StagingAreaValue['time_keys_to_staging_area_data'] = {};
  const deploymentMetrics: StagingAreaValue['deployment_metrics'] = {};
  for (const key of plan.time_keys.map(String)) {
    data[key] = Object.fromEntries(
      Object.entries(plan.hours[key] ?? {}).map(([inst, regionKey]) => {
        const [provider = '', ...rest] = regionKey.split(':');
        return [inst, { provider_region: { provider, region: rest.join(':') } }];
      }),
    );
    const m = plan.metrics?.[key];
    if (m) deploymentMetrics[key] = m.metrics;
  }
  return {
    time_keys_to_staging_area_data: data,
    deployment_metrics: deploymentMetrics,
    expiry_time: pythonTime(new Date(plan.expiry_time)),
  };
}
