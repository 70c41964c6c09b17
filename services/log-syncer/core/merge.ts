// Merging newly synced runs into the summary under a bounded size (docs/log-syncer.md):
// nothing older than the forgetting horizon; the most recent runs; plus older runs that carry a
// rare sample (an (instance, region) execution or an (edge, region pair) transfer seen fewer than
// `rareThreshold` times among the runs kept); then as many recent runs as fit the item budget.
import type { SyncedRun, WorkflowSummary } from '../../../shared/contracts/workflow-summary.js';
import { itemSizeBytes, summaryToItem } from '../../../shared/stores/workflow-summary-codec.js';

export interface SizePolicy {
  /** Most recent runs always kept (budget permitting). */
  recentRuns: number;
  /** An older run is kept while one of its samples has fewer than this many occurrences. */
  rareThreshold: number;
  /** Budget of the stored item (DynamoDB's limit is 400 KB). */
  maxItemBytes: number;
  horizonMs: number;
}

export const DEFAULT_SIZE_POLICY: SizePolicy = { recentRuns: 2000, rareThreshold: 10, maxItemBytes: 350_000, horizonMs: 30 * 86_400_000 };

export function sampleKeys(run: SyncedRun): string[] {
  const keys: string[] = [];
  for (const i of run.instances) keys.push(`i|${i.instance}|${i.region}`);
  for (const e of run.edges) keys.push(`e|${e.from}|${e.to}|${e.fromRegion}|${e.toRegion ?? '-'}|${e.invoked ? 1 : 0}`);
  return keys;
}

/** Runs to keep, oldest first: the `recent` newest plus older runs with rare samples. */
export function selectRuns(sortedOldestFirst: readonly SyncedRun[], recent: number, rareThreshold: number): SyncedRun[] {
  const n = sortedOldestFirst.length;
  const cut = Math.max(0, n - recent);
  const counts = new Map<string, number>();
  for (let i = cut; i < n; i++) for (const k of sampleKeys(sortedOldestFirst[i]!)) counts.set(k, (counts.get(k) ?? 0) + 1);
  const rare: SyncedRun[] = [];
  for (let i = cut - 1; i >= 0; i--) {
    const run = sortedOldestFirst[i]!;
    const keys = sampleKeys(run);
    if (!keys.some((k) => (counts.get(k) ?? 0) < rareThreshold)) continue;
    for (const k of keys) counts.set(k, (counts.get(k) ?? 0) + 1);
    rare.push(run);
  }
  return [...rare.reverse(), ...sortedOldestFirst.slice(cut)];
}

const byStart = (a: SyncedRun, b: SyncedRun) => a.startedAt.localeCompare(b.startedAt) || a.run_id.localeCompare(b.run_id);

/** The summary with `added` merged (runs already present are ignored), bounded by the policy. */
export function mergeSummary(
  previous: WorkflowSummary,
  added: readonly SyncedRun[],
  policy: SizePolicy,
  nowMs: number,
): { summary: WorkflowSummary; newRuns: SyncedRun[] } {
  const known = new Set(previous.runs.map((r) => r.run_id));
  const newRuns = added.filter((r) => !known.has(r.run_id) && (known.add(r.run_id), true));
  const horizon = nowMs - policy.horizonMs;
  const all = [...previous.runs, ...newRuns].filter((r) => Date.parse(r.startedAt) >= horizon).sort(byStart);
  const daily = { ...previous.daily };
  for (const run of newRuns) {
    const day = run.startedAt.slice(0, 10);
    const d = (daily[day] ??= { invocations: 0, failures: 0 });
    d.invocations++;
    if (!run.succeeded) d.failures++;
  }
  const oldestDay = new Date(horizon).toISOString().slice(0, 10);
  for (const day of Object.keys(daily)) if (day < oldestDay) delete daily[day];
  const base: WorkflowSummary = { ...previous, daily, totalRuns: previous.totalRuns + newRuns.length, runs: [] };
  const fits = (recent: number) => {
    const runs = selectRuns(all, recent, policy.rareThreshold);
    return { runs, ok: itemSizeBytes(summaryToItem({ ...base, runs })) <= policy.maxItemBytes };
  };
  let best = fits(policy.recentRuns);
  if (!best.ok) {
    // Too big: estimate the compressed bytes per run from this measurement, then shrink the recent
    // part by 5% steps until it fits (two or three gzip passes instead of a binary search's ten).
    const emptyBytes = itemSizeBytes(summaryToItem({ ...base, runs: [] }));
    const bytes = itemSizeBytes(summaryToItem({ ...base, runs: best.runs }));
    const perRun = Math.max(1, (bytes - emptyBytes) / Math.max(1, best.runs.length));
    let recent = Math.min(policy.recentRuns, Math.floor(((policy.maxItemBytes - emptyBytes) / perRun) * 0.98));
    while (recent > 0) {
      best = fits(recent);
      if (best.ok) break;
      recent = Math.floor(recent * 0.95);
    }
    if (!best.ok) best = { runs: all.slice(-1), ok: true };
  }
  return { summary: { ...base, runs: best.runs }, newRuns };
}
