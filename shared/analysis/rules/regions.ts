// Rule `unknown-region`: every AWS region a workflow names (config.yml's home_region, allowed and
// disallowed regions; a function's regionsAndProviders in app.ts) must be a real AWS commercial
// region code. A typo like `mars-north-9` would otherwise reach the solver and the deployer.
import { isKnownRegion, similarRegions } from '../../aws/regions.js';
import type { AnalysisDiagnostic, SourceLocation } from '../diagnostics.js';

export const UNKNOWN_REGION_RULE = 'unknown-region';

interface ProviderRegion {
  provider: string;
  region: string;
}

/** What the message says after the bad code: what was expected, and the nearest real codes. */
export function unknownRegionMessage(where: string, region: string): string {
  const near = similarRegions(region);
  return `${where}: unknown AWS region "${region}" (expected an AWS region code such as eu-north-1${near.length ? `; did you mean ${near.join(', ')}?` : ''})`;
}

/** Paths (for the YAML locator) and messages of unknown regions in a parsed config.yml. */
export function unknownConfigRegions(config: {
  home_region: ProviderRegion;
  regions_and_providers: { allowed_regions?: ProviderRegion[] | null; disallowed_regions?: ProviderRegion[] | null };
}): { path: (string | number)[]; message: string }[] {
  const found: { path: (string | number)[]; message: string }[] = [];
  const check = (r: ProviderRegion, path: (string | number)[]) => {
    if (r.provider === 'aws' && !isKnownRegion(r.region)) found.push({ path, message: unknownRegionMessage(path.join('.'), r.region) });
  };
  check(config.home_region, ['home_region', 'region']);
  for (const list of ['allowed_regions', 'disallowed_regions'] as const) {
    (config.regions_and_providers[list] ?? []).forEach((r, i) => check(r, ['regions_and_providers', list, i, 'region']));
  }
  return found;
}

/** Diagnostics for unknown regions in a function's regionsAndProviders (app.ts). */
export function unknownFunctionRegions(fn: {
  name: string;
  location: SourceLocation;
  regionsAndProviders: { allowedRegions?: ProviderRegion[] | null; disallowedRegions?: ProviderRegion[] | null } | null;
}): AnalysisDiagnostic[] {
  const rp = fn.regionsAndProviders;
  if (!rp) return [];
  return [...(rp.allowedRegions ?? []), ...(rp.disallowedRegions ?? [])]
    .filter((r) => r.provider === 'aws' && !isKnownRegion(r.region))
    .map((r) => ({
      ...fn.location,
      rule: UNKNOWN_REGION_RULE,
      message: unknownRegionMessage(`function ${fn.name} regionsAndProviders`, r.region),
      hint: 'use a region code from the AWS regions table (docs.aws.amazon.com/global-infrastructure/latest/regions/aws-regions.html)',
    }));
}
