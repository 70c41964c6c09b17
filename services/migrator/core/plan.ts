// Pure plan arithmetic: which (function, region) pairs a plan uses, which of them still need a
// deployment, and whether the plan is acceptable for the workflow at all.
import type { PlacementPlan, RegionKey, WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { DeployedFunctionResources, WorkflowRecord } from '../../../shared/workflows/record.js';
import { ValidationError } from '../../../shared/errors.js';

export interface FunctionRegion {
  fn: string;
  region: RegionKey;
}

export const frKey = (fr: FunctionRegion) => `${fr.fn}@${fr.region}`;

const REGION_KEY = /^aws:[a-z]{2}(-[a-z]+)+-\d$/;

/** Every (function, region) a plan places an instance in, home included, sorted (region, then function). */
export function functionRegionsOf(plan: PlacementPlan | undefined, instanceFunctions: Record<string, string>): FunctionRegion[] {
  if (!plan) return [];
  const seen = new Map<string, FunctionRegion>();
  for (const placement of Object.values(plan.hours)) {
    for (const [instance, region] of Object.entries(placement)) {
      const fn = instanceFunctions[instance];
      if (fn === undefined) continue;
      const fr = { fn, region };
      seen.set(frKey(fr), fr);
    }
  }
  return [...seen.values()].sort((a, b) => a.region.localeCompare(b.region) || a.fn.localeCompare(b.fn));
}

export type DeployedRegions = Record<string, Record<RegionKey, DeployedFunctionResources>>;

/** Pairs of the plan outside the home region that have no recorded deployment yet. */
export function missingDeployments(
  plan: PlacementPlan,
  instanceFunctions: Record<string, string>,
  home: RegionKey,
  deployed: DeployedRegions,
): FunctionRegion[] {
  return functionRegionsOf(plan, instanceFunctions).filter((fr) => fr.region !== home && !deployed[fr.fn]?.[fr.region]);
}

const allows = (list: { provider: string; region: string }[] | null | undefined, region: RegionKey) =>
  list?.some((r) => `${r.provider}:${r.region}` === region) ?? false;

/**
 * Refuses a plan the migrator must never apply: an unknown instance, a malformed region key, a
 * region the workflow's config or the function's own options disallow, hours that do not match
 * time_keys, or an expiry that is not a date or already past. ValidationError: retrying cannot fix the plan.
 */
export function validatePlan(
  plan: PlacementPlan,
  record: Pick<WorkflowRecord, 'config' | 'function_descriptions' | 'workflow_id'>,
  wpd: WorkflowPlacementDocument,
  now?: Date,
): void {
  const problems: string[] = [];
  if (Number.isNaN(Date.parse(plan.expiry_time))) problems.push(`expiry_time "${plan.expiry_time}" is not an ISO instant`);
  else if (now && Date.parse(plan.expiry_time) <= now.getTime())
    problems.push(`the plan expired at ${plan.expiry_time}, before it could be applied`);
  const hours = Object.keys(plan.hours)
    .map(Number)
    .sort((a, b) => a - b);
  const keys = [...plan.time_keys].map(Number).sort((a, b) => a - b);
  if (JSON.stringify(hours) !== JSON.stringify(keys))
    problems.push(`time_keys [${keys.join(',')}] differ from the plan's hours [${hours.join(',')}]`);
  const global = record.config.regions_and_providers;
  for (const [hour, placement] of Object.entries(plan.hours)) {
    for (const [instance, region] of Object.entries(placement)) {
      const fn = wpd.instance_functions[instance];
      if (fn === undefined) {
        problems.push(`hour ${hour}: instance ${instance} is not an instance of ${record.workflow_id}`);
        continue;
      }
      if (!REGION_KEY.test(region)) {
        problems.push(`hour ${hour}: ${instance} -> "${region}" is not a region key like "aws:us-west-2"`);
        continue;
      }
      const description = record.function_descriptions.find((f) => f.name === fn);
      const allowed = description?.allowed_regions?.length ? description.allowed_regions : global?.allowed_regions;
      const disallowed = description?.disallowed_regions?.length ? description.disallowed_regions : global?.disallowed_regions;
      if (region === wpd.home_region) continue;
      if ((allowed && allowed.length > 0 && !allows(allowed, region)) || allows(disallowed, region)) {
        problems.push(`hour ${hour}: function ${fn} may not run in ${region} (config regions_and_providers)`);
      }
    }
  }
  if (problems.length > 0)
    throw new ValidationError(
      `the staged plan of ${record.workflow_id} cannot be applied: ${[...new Set(problems)].slice(0, 5).join('; ')}`,
    );
}

/** True when publishing `plan` with these endpoints would change nothing (a retried task). */
export function alreadyPublished(wpd: WorkflowPlacementDocument, plan: PlacementPlan, needed: FunctionRegion[]): boolean {
  return (
    JSON.stringify(wpd.current_deployment ?? null) === JSON.stringify(plan) &&
    needed.every((fr) => wpd.endpoints[fr.fn]?.[fr.region] !== undefined)
  );
}
