import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assembleRun, dagView } from '../../../services/log-syncer/core/reconstruct.js';
import { DEFAULT_SIZE_POLICY, mergeSummary } from '../../../services/log-syncer/core/merge.js';
import { seeded, simulateRun } from '../../../bench/log-syncer/simulate.js';
import { emptySummary, itemSizeBytes, summaryFromItem, summaryToItem } from '../../../shared/stores/workflow-summary-codec.js';
import type { SyncedRun } from '../../../shared/contracts/workflow-summary.js';
import { mapReduce, runIdOf, splitEvents } from './fixtures.js';

const dag = mapReduce.dag;
const view = dagView(dag);
const T0 = Date.parse('2026-11-20T00:00:00Z');

/** `count` runs: 12 reconstructed templates, cloned with their own id, start and jittered numbers. */
function makeRuns(count: number, regionOf?: (run: number, instance: string) => string): SyncedRun[] {
  const templates = buildRuns(12);
  const random = seeded(11);
  const jitter = (x: number) => Math.round(x * (0.8 + 0.4 * random()) * 1e6) / 1e6;
  return Array.from({ length: count }, (_, i) => {
    const t = templates[i % templates.length]!;
    const region = (inst: string, r: string) => (regionOf ? regionOf(i, inst) : r);
    return {
      ...t,
      run_id: runIdOf(i + 1),
      startedAt: new Date(T0 + i * 60_000).toISOString(),
      runtimeS: jitter(t.runtimeS),
      instances: t.instances.map((x) => ({
        ...x,
        region: region(x.instance, x.region),
        durationS: jitter(x.durationS),
        userDurationS: jitter(x.userDurationS),
      })),
      edges: t.edges.map((e) => ({
        ...e,
        fromRegion: region(e.from, e.fromRegion),
        ...(e.toRegion ? { toRegion: region(e.to, e.toRegion) } : {}),
        ...(e.latencyS !== undefined ? { latencyS: jitter(e.latencyS) } : {}),
      })),
    };
  });
}

function buildRuns(count: number): SyncedRun[] {
  const out: SyncedRun[] = [];
  const random = seeded(7);
  const regionOf = undefined;
  for (let i = 0; i < count; i++) {
    const workers = 1 + (i % 6);
    const events = simulateRun(dag, {
      runId: runIdOf(i + 1),
      startMs: T0 + i * 60_000,
      random,
      regionOf,
      taken: (e) =>
        /entry_point:0#(\d)$/.test(e)
          ? Number(/#(\d)$/.exec(e)![1]) < workers
          : /#1$/.test(e) && e.includes('shuffler:sync')
            ? workers >= 3
            : true,
    });
    const { lines, reports } = splitEvents(events);
    const r = assembleRun(runIdOf(i + 1), lines, reports, view);
    assert.equal(r.state, 'complete');
    if (r.state === 'complete') out.push(r.run);
  }
  return out;
}

test('10,000 map_reduce runs: the stored item stays under 400 KB, keeps the newest runs and the rare samples', () => {
  // Run 5 is the only one with its mappers in ap-south-1: a rare (instance, region) sample.
  const runs = makeRuns(10_000, (run, inst) => (run === 5 && inst.includes('-mapper:') ? 'aws:ap-south-1' : 'aws:us-east-1'));
  const now = T0 + 10_000 * 60_000;
  const { summary, newRuns } = mergeSummary(emptySummary(dag.workflow_id), runs, DEFAULT_SIZE_POLICY, now);
  assert.equal(newRuns.length, 10_000);
  assert.equal(summary.totalRuns, 10_000);
  const size = itemSizeBytes(summaryToItem(summary));
  process.stdout.write(`# summary item at 10,000 map_reduce runs: ${size} bytes, ${summary.runs.length} runs kept\n`);
  assert.ok(size < 400_000, `item is ${size} bytes`);
  assert.ok(summary.runs.length >= 500, `only ${summary.runs.length} runs kept`);
  assert.ok(
    summary.runs.some((r) => r.run_id === runIdOf(6)),
    'the rare ap-south-1 run is kept',
  );
  assert.equal(summary.runs.at(-1)!.run_id, runIdOf(10_000), 'newest run kept');
  // Merging the same runs again changes nothing (idempotent by run_id).
  const again = mergeSummary(summary, runs.slice(-100), DEFAULT_SIZE_POLICY, now);
  assert.equal(again.newRuns.length, 0);
  assert.equal(again.summary.totalRuns, 10_000);
  assert.deepEqual(summaryFromItem(summaryToItem(summary) as unknown as Record<string, unknown>).runs.length, summary.runs.length);
});

test('runs older than the forgetting horizon are dropped, and so are their days', () => {
  const runs = makeRuns(3);
  const now = T0 + 31 * 86_400_000;
  const { summary } = mergeSummary(emptySummary(dag.workflow_id), runs, DEFAULT_SIZE_POLICY, now);
  assert.equal(summary.runs.length, 0);
  assert.deepEqual(summary.daily, {});
  assert.equal(summary.totalRuns, 3);
});
