import { test } from 'node:test';
import assert from 'node:assert/strict';
import { workflowDocumentFromSummary, COLD_START_POLICY } from '../../../shared/solver/from-summary.js';
import { prepareModel } from '../../../shared/solver/model.js';
import { solveWorkflow } from '../../../shared/solver/solve.js';
import { DEFAULT_POWER } from '../../../shared/solver/constants.js';
import type { RegionData, SolverInput } from '../../../shared/solver/types.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { dagView } from '../../../services/log-syncer/core/reconstruct.js';
import { syncWorkflow } from '../../../services/log-syncer/core/sync.js';
import { seeded, simulateRun } from '../../../bench/log-syncer/simulate.js';
import { summaryFromItem } from '../../../shared/stores/workflow-summary-codec.js';
import { FakeClock, MemoryLogs, MemoryStore, RecordingFollowUp, testSettings } from '../log-syncer/memory.js';
import { mapReduce, runIdOf } from '../log-syncer/fixtures.js';

const dag = mapReduce.dag;
const T0 = Date.parse('2026-12-01T10:00:00Z');
const record = {
  workflow_id: dag.workflow_id,
  workflow_name: dag.workflow_name,
  workflow_version: dag.workflow_version,
  status: 'DEPLOYED',
  deployed_at: new Date(T0).toISOString(),
  home_region: 'aws:us-east-1',
  config: {
    ...mapReduce.config,
    constraints: { ...mapReduce.config.constraints, hard_resource_constraints: { runtime: { type: 'relative', value: 150 } } },
  },
  dag,
  function_descriptions: [],
  iam_policy: {},
  deployed_regions: {},
  sync_tables: {},
  artifacts: {},
} as unknown as WorkflowRecord;

async function syncedSummary(count: number) {
  const logs = new MemoryLogs(500);
  for (let i = 0; i < count; i++) {
    const workers = 1 + (i % 6);
    logs.add(
      simulateRun(dag, {
        runId: runIdOf(i + 1),
        startMs: T0 + i * 2000,
        random: seeded(i),
        coldStart: (inst) => i % 10 === 0 && inst === dag.entry_instance,
        regionOf: (inst) => (i % 4 === 0 && inst.includes('-mapper:') ? 'aws:us-west-2' : 'aws:us-east-1'),
        taken: (e) =>
          /entry_point:0#(\d)$/.test(e)
            ? Number(/#(\d)$/.exec(e)![1]) < workers
            : e.includes('shuffler:sync') && e.endsWith('#1')
              ? workers >= 3
              : true,
      }),
    );
  }
  const store = new MemoryStore();
  await syncWorkflow(
    { workflowId: dag.workflow_id, groups: logs.groups(), dag: dagView(dag) },
    { logs, store, followUp: new RecordingFollowUp(), clock: new FakeClock(T0 + 3_600_000), settings: testSettings() },
  );
  return summaryFromItem(store.item as unknown as Record<string, unknown>);
}

function regionData(keys: string[]): Record<string, RegionData> {
  const ci: Record<string, number> = { 'aws:us-east-1': 400, 'aws:us-west-2': 120, 'aws:us-west-1': 250, 'aws:ca-central-1': 30 };
  return Object.fromEntries(
    keys.map((k) => [
      k,
      {
        key: k,
        provider: 'aws',
        carbonIntensityByHour: { overall: ci[k] ?? 300 },
        transmissionDistancesKm: {},
        prices: {
          computeUsdPerGBs: { x86_64: 1.66667e-5, arm64: 1.33334e-5 },
          invocationUsd: { x86_64: 2e-7, arm64: 2e-7 },
          egressUsdPerGB: 0.02,
          messageUsdPerRequest: 5e-7,
          dynamoReadUsdPerRU: 2.5e-7,
          dynamoWriteUsdPerWU: 1.25e-6,
        },
        power: { ...DEFAULT_POWER },
        latencyS: Object.fromEntries(keys.map((t) => [t, [t === k ? 0.002 : 0.06]])),
        relativePerformance: 1,
      } satisfies RegionData,
    ]),
  );
}

test('summary → WorkflowDocument: probabilities, durations per region, sizes, latencies, config', async () => {
  const summary = await syncedSummary(60);
  assert.equal(summary.totalRuns, 60);
  const doc = workflowDocumentFromSummary(summary, record, { now: new Date(T0 + 7_200_000) });
  assert.equal(doc.runs, 60);
  assert.equal(doc.coldStartPolicy, COLD_START_POLICY);
  assert.equal(doc.homeRegion, 'aws:us-east-1');
  assert.equal(doc.instances.length, Object.keys(dag.instances).length);
  // Allowed regions of the config, in its order.
  assert.deepEqual(doc.instances[0]!.permittedRegions, ['aws:us-east-1', 'aws:us-west-1', 'aws:us-west-2', 'aws:ca-central-1']);
  assert.equal(doc.instances[0]!.memoryMB, 2048);
  const edge = (fromSuffix: string) => doc.edges.find((e) => e.from === dag.entry_instance && e.to.endsWith(fromSuffix))!;
  // Mapper k runs in runs with more than k workers: workers cycle 1..6 → P(k) = (6 - k) / 6.
  for (let k = 0; k < 6; k++) assert.ok(Math.abs(edge(`_0_${k}:${k + 1}`).invocationProbability - (6 - k) / 6) < 1e-9, `mapper ${k}`);
  const toMapper0 = edge('_0_0:1');
  assert.ok(toMapper0.transferSizesGB.length === 60);
  assert.ok(toMapper0.latencies['aws:us-east-1']!['aws:us-west-2']!.bySizeGB.length > 0);
  assert.ok(toMapper0.latencies['aws:us-east-1']!['aws:us-east-1']!.bestFit!.interceptS > 0);
  const entryStats = doc.instanceStats[dag.entry_instance]!;
  assert.equal(entryStats.executions['aws:us-east-1']!.durationsS.length, 60);
  const mapper0 = Object.keys(doc.instanceStats).find((n) => n.endsWith('_0_0:1'))!;
  assert.deepEqual(Object.keys(doc.instanceStats[mapper0]!.executions).sort(), ['aws:us-east-1', 'aws:us-west-2']);
  assert.equal(entryStats.auxiliaryIndex.data_transfer_during_execution_gb, 0);
  assert.ok(entryStats.executions['aws:us-east-1']!.auxiliary.every((a) => a.rows.every((r) => r.length === 7)));
  const toShuffler = doc.edges.find((e) => e.to.includes('-shuffler:'))!;
  assert.ok(toShuffler.syncSizeGB! > 0);
  assert.deepEqual(doc.constraints.hard, { runtime: { type: 'relative', value: 150 } });
  assert.deepEqual(doc.constraints.priorityOrder, ['carbon', 'cost', 'runtime']);
  assert.equal(doc.algorithm, 'stochastic');
  assert.equal(doc.workflowRuntimeSamplesS.length, 60);
  assert.equal(
    Object.values(doc.dailyInvocationCounts).reduce((a, b) => a + b, 0),
    60,
  );
  // Cold samples include the Init Duration: the entry's slowest durations are the cold ones.
  const entryDurations = [...entryStats.executions['aws:us-east-1']!.durationsS].sort((a, b) => b - a);
  assert.ok(entryDurations[0]! > 0.15);
});

test('the document feeds the solver: prepareModel accepts it and solveWorkflow places the workflow', async () => {
  const summary = await syncedSummary(24);
  const doc = workflowDocumentFromSummary(summary, record, { now: new Date(T0 + 7_200_000) });
  const regions = ['aws:us-east-1', 'aws:us-west-1', 'aws:us-west-2', 'aws:ca-central-1'];
  const input: SolverInput = {
    workflowId: doc.workflow_id,
    homeRegion: doc.homeRegion,
    regions,
    regionData: regionData(regions),
    systemRegion: 'aws:us-west-2',
    instances: doc.instances,
    edges: doc.edges,
    instanceStats: doc.instanceStats,
    startHop: doc.startHop,
    constraints: doc.constraints,
    algorithm: doc.algorithm,
    workflowRuntimeSamplesS: doc.workflowRuntimeSamplesS,
    dailyInvocationCounts: doc.dailyInvocationCounts,
    warnings: [],
  };
  const model = prepareModel(input);
  assert.equal(model.N, doc.instances.length);
  const result = await solveWorkflow(input, {
    hours: [0],
    algorithm: 'coarse',
    calculator: 'go',
    seed: 1,
    workers: 0,
    monteCarlo: { maxSamples: 400 },
  });
  const placement = result.hours[0]!.placementByInstance;
  assert.equal(Object.keys(placement).length, doc.instances.length);
  for (const region of Object.values(placement)) assert.ok(regions.includes(region));
});

test('without runs: unconditional edges are certain, conditional ones 0.5; permitted regions fall back to the config', () => {
  const doc = workflowDocumentFromSummary(
    {
      workflow_id: dag.workflow_id,
      sync_window: 'summary',
      version: 0,
      watermarks: {},
      lastSyncedAt: '',
      totalRuns: 0,
      runs: [],
      pendingRunIds: [],
      daily: {},
      lines: { parsed: 0, foreign: 0, corrupt: 0, unknownVersion: 0 },
    },
    record,
    { now: new Date(T0), availableRegions: ['aws:us-east-1', 'aws:eu-west-1', 'aws:ca-central-1'] },
  );
  assert.equal(doc.runs, 0);
  assert.deepEqual(doc.instances[0]!.permittedRegions, ['aws:us-east-1', 'aws:ca-central-1']);
  const first = doc.edges.find((e) => e.from === dag.entry_instance && e.to.endsWith('_0_0:1'))!;
  const second = doc.edges.find((e) => e.from === dag.entry_instance && e.to.endsWith('_0_1:2'))!;
  assert.equal(first.invocationProbability, 1);
  assert.equal(second.invocationProbability, 0.5);
});
