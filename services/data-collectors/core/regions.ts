// The regions every collector works on: enabled for the account (EC2 DescribeRegions) and in the
// embedded table of the aws commercial partition (coordinates, names, zones). Each collector
// resolves them itself, so provider, carbon and performance tasks can run in any order.
import { EMBEDDED_REGIONS, embeddedRegion, type EmbeddedRegion } from '../data/regions.js';
import type { CollectorReport } from './report.js';
import type { Clock, RegionLister } from './ports.js';
import { withRetry } from './retry.js';

const OTHER_PARTITIONS = /^(cn-|us-gov-|us-iso|eusc-)/;

export async function resolveRegions(
  lister: RegionLister,
  clock: Clock,
  deadlineMs: number,
  report: CollectorReport,
): Promise<EmbeddedRegion[]> {
  const enabled = await withRetry('ec2:DescribeRegions', () => lister.enabledRegions(), { clock, deadlineMs });
  const out: EmbeddedRegion[] = [];
  for (const code of [...new Set(enabled)].sort()) {
    const region = embeddedRegion(code);
    if (region) out.push(region);
    else if (OTHER_PARTITIONS.test(code)) report.skipped.push({ key: `aws:${code}`, reason: 'not in the aws commercial partition' });
    else
      report.failed.push({
        key: `aws:${code}`,
        reason: 'enabled but not in the embedded region table (no coordinates): update services/data-collectors/data/regions.ts',
      });
  }
  return out;
}

export { EMBEDDED_REGIONS };
