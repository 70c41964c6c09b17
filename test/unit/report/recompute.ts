// The report's carbon model written out by hand (docs/report.md), independent of
// cli/lib/report/model.ts, so tests can check the report's totals against the synced runs.
import type { CarbonDocument, ProviderDocument } from '../../../shared/contracts/collected-data.js';
import type { SyncedRun } from '../../../shared/contracts/workflow-summary.js';

export interface RecomputeInput {
  runs: SyncedRun[];
  home: string;
  carbon: Record<string, CarbonDocument>;
  provider: Record<string, ProviderDocument>;
  memoryMb: (fn: string) => number;
}

/** gCO2e of the runs as executed and all at home: E = t × (P_cpu(u=0.5) × mem/1769 + P_mem × mem/1024) / 3600, × PUE × CI(hour); payloads × 0.001 kWh/GB × route CI. */
export function recomputeCarbon({ runs, home, carbon, provider, memoryMb }: RecomputeInput): { actual: number; home: number } {
  let actual = 0;
  let atHome = 0;
  const ci = (region: string, hour: number) => carbon[region]!.hourlyGCO2ePerKWh[hour]!;
  for (const run of runs) {
    const hour = new Date(run.startedAt).getUTCHours();
    for (const i of run.instances) {
      const mem = memoryMb(i.function);
      const kWh = (p: ProviderDocument['power']) =>
        (i.durationS * ((p.cpuMinKW + 0.5 * (p.cpuMaxKW - p.cpuMinKW)) * (mem / 1769) + p.memoryKWPerGB * (mem / 1024))) / 3600;
      const pa = provider[i.region]!.power;
      const ph = provider[home]!.power;
      actual += kWh(pa) * pa.pue * ci(i.region, hour);
      atHome += kWh(ph) * ph.pue * ci(home, hour);
    }
    for (const e of run.edges) {
      if (!e.invoked) continue;
      const gb = (e.payloadBytes ?? 0) / 1024 ** 3;
      const to = e.toRegion ?? e.fromRegion;
      const route = to === e.fromRegion ? ci(to, hour) : (ci(e.fromRegion, hour) + ci(to, hour)) / 2;
      actual += gb * 0.001 * route;
      atHome += gb * 0.001 * ci(home, hour);
    }
  }
  return { actual, home: atHome };
}
