// Documents shaped exactly as the contracts say (shared/contracts/), for a map_reduce-like workflow
// at home in us-east-1 with two greener candidates; the runs before 12:00 ran at home, later ones
// moved mapper and reducer instances to eu-north-1 (as a plan would).
import type { CarbonDocument, ProviderDocument } from '../../../shared/contracts/collected-data.js';
import type { WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { SyncedRun, WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import type { ReportInput } from '../../../cli/lib/report/model.js';

export const WF = 'map_reduce-0.0.1';
export const HOME = 'aws:us-east-1';
export const GREEN = 'aws:eu-north-1';
export const QUEBEC = 'aws:ca-central-1';
const P = 'map_reduce-0_0_1-';
export const INSTANCES = {
  input: `${P}input_processor:entry_point:0`,
  mapper: `${P}mapper:input_processor_0_0:1`,
  shuffler: `${P}shuffler:sync:`,
  reducer: `${P}reducer:shuffler_0_0:3`,
};

export function carbonDoc(region: string, zone: string, base: number, swing = 0): CarbonDocument {
  return {
    collected_at: '2026-12-01T00:30:00.000Z',
    provenance: { source: 'tgwf-co2-yearly-average', detail: `Electricity Maps zone ${zone}, via @tgwf/co2 (ODbL)`, period: '2024' },
    region_key: region,
    zone,
    hourlyGCO2ePerKWh: Array.from({ length: 24 }, (_, h) => base + swing * Math.sin((h / 24) * 2 * Math.PI)),
    overallGCO2ePerKWh: base,
    hourlyProfile: swing ? 'measured' : 'flat-yearly-average',
    distancesKm: {},
  };
}

export function providerDoc(region: string, usdPerGBs = 1.66667e-5, pue = 1.135): ProviderDocument {
  return {
    collected_at: '2026-12-01T00:05:00.000Z',
    provenance: { source: 'embedded-price-table', detail: 'aws.amazon.com/lambda/pricing', period: '2026-11' },
    region_key: region,
    lambdaUsdPerGBs: { x86_64: usdPerGBs, arm64: usdPerGBs * 0.8 },
    lambdaUsdPerRequest: { x86_64: 2e-7, arm64: 2e-7 },
    lambdaFreeTier: { requests: 1_000_000, gbSeconds: 400_000 },
    interRegionEgressUsdPerGB: 0.02,
    internetEgressUsdPerGB: 0.09,
    sqsUsdPerRequest: 4e-7,
    dynamoDbUsdPerReadRequestUnit: 1.25e-7,
    dynamoDbUsdPerWriteRequestUnit: 6.25e-7,
    s3UsdPerPutRequest: 5e-6,
    s3UsdPerGetRequest: 4e-7,
    power: { pue, cfe: 0, memoryKWPerGB: 0.0003725, cpuMinKW: 0.00074, cpuMaxKW: 0.0035 },
  };
}

export function run(i: number, startedAt: string, away: string | undefined): SyncedRun {
  const at = (instance: string) => (away && (instance === INSTANCES.mapper || instance === INSTANCES.reducer) ? away : HOME);
  const inst = (instance: string, fn: string, durationS: number) => ({
    instance,
    function: fn,
    region: at(instance),
    durationS,
    userDurationS: durationS * 0.9,
    coldStart: i === 0,
    inputBytes: 200,
    exceptions: 0,
    duplicateDeliveries: 0,
  });
  return {
    run_id: `run${String(i).padStart(3, '0')}`,
    startedAt,
    runtimeS: 1.5 + (i % 5) * 0.1 + (away ? 0.2 : 0),
    succeeded: true,
    entryRegion: HOME,
    planHour: away ? 0 : null,
    userPayloadBytes: 40,
    wpdBytes: 900,
    initLatencyS: 0.05,
    instances: [
      inst(INSTANCES.input, 'input_processor', 0.2 + i * 0.01),
      inst(INSTANCES.mapper, 'mapper', 0.5),
      inst(INSTANCES.shuffler, 'shuffler', 0.3),
      inst(INSTANCES.reducer, 'reducer', 0.4),
    ],
    edges: [
      {
        from: INSTANCES.input,
        to: INSTANCES.mapper,
        fromRegion: HOME,
        toRegion: at(INSTANCES.mapper),
        invoked: true,
        toSyncNode: false,
        payloadBytes: 5_000_000,
      },
      {
        from: INSTANCES.mapper,
        to: INSTANCES.shuffler,
        fromRegion: at(INSTANCES.mapper),
        toRegion: HOME,
        invoked: true,
        toSyncNode: true,
        payloadBytes: 2_000_000,
      },
      {
        from: INSTANCES.shuffler,
        to: INSTANCES.reducer,
        fromRegion: HOME,
        toRegion: at(INSTANCES.reducer),
        invoked: true,
        toSyncNode: false,
        payloadBytes: 1_000_000,
      },
      { from: INSTANCES.input, to: INSTANCES.mapper, fromRegion: HOME, invoked: false, toSyncNode: false },
    ],
  };
}

export function summary(runs: SyncedRun[]): WorkflowSummary {
  const daily: WorkflowSummary['daily'] = {};
  for (const r of runs) {
    const d = (daily[r.startedAt.slice(0, 10)] ??= { invocations: 0, failures: 0 });
    d.invocations++;
  }
  return {
    workflow_id: WF,
    sync_window: 'summary',
    version: 3,
    watermarks: {},
    lastSyncedAt: '2026-12-01T12:05:00.000Z',
    totalRuns: runs.length,
    runs,
    pendingRunIds: [],
    daily,
    lines: { parsed: 100, foreign: 0, corrupt: 0, unknownVersion: 0 },
  };
}

export function placement(expiry = '2026-12-02T12:00:00.000Z'): WorkflowPlacementDocument {
  const metrics = { average_carbon: 0.01, average_cost: 1e-5, average_runtime: 1.7, tail_carbon: 0.02, tail_cost: 2e-5, tail_runtime: 2 };
  const home = { ...metrics, average_carbon: 0.05, tail_carbon: 0.06 };
  return {
    workflow_id: WF,
    home_region: HOME,
    instance_functions: {
      [INSTANCES.input]: 'input_processor',
      [INSTANCES.mapper]: 'mapper',
      [INSTANCES.shuffler]: 'shuffler',
      [INSTANCES.reducer]: 'reducer',
    },
    endpoints: {},
    home_run_ratio: 0.1,
    current_deployment: {
      expiry_time: expiry,
      time_keys: [0, 18],
      hours: {
        '0': { [INSTANCES.input]: HOME, [INSTANCES.mapper]: GREEN, [INSTANCES.shuffler]: HOME, [INSTANCES.reducer]: GREEN },
        '18': { [INSTANCES.input]: HOME, [INSTANCES.mapper]: QUEBEC, [INSTANCES.shuffler]: HOME, [INSTANCES.reducer]: HOME },
      },
      metrics: { '0': { metrics, home_metrics: home }, '18': { metrics, home_metrics: home } },
    },
  };
}

/** 14 runs over two days: 8 at home (30 Nov), then 6 with mapper and reducer in eu-north-1 (1 Dec). */
export function input(overrides: Partial<ReportInput> = {}): ReportInput {
  const runs = [
    ...Array.from({ length: 8 }, (_, i) => run(i, `2026-11-30T${String(8 + i).padStart(2, '0')}:10:00.000Z`, undefined)),
    ...Array.from({ length: 6 }, (_, i) => run(8 + i, `2026-12-01T${String(3 + i).padStart(2, '0')}:20:00.000Z`, GREEN)),
  ];
  return {
    workflowId: WF,
    now: new Date('2026-12-01T12:30:00.000Z'),
    homeRegion: HOME,
    memoryMbByFunction: { input_processor: 2048, mapper: 2048, shuffler: 1024, reducer: 2048 },
    defaultMemoryMb: 2048,
    summary: summary(runs),
    carbon: {
      [HOME]: carbonDoc(HOME, 'US-MIDA-PJM', 380, 40),
      [GREEN]: carbonDoc(GREEN, 'SE-SE1', 25),
      [QUEBEC]: carbonDoc(QUEBEC, 'CA-QC', 30),
    },
    provider: { [HOME]: providerDoc(HOME), [GREEN]: providerDoc(GREEN, 1.7e-5, 1.1), [QUEBEC]: providerDoc(QUEBEC) },
    placement: placement(),
    candidateRegions: [HOME, GREEN, QUEBEC],
    ...overrides,
  };
}
