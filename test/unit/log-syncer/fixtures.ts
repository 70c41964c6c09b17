import { readFileSync } from 'node:fs';
import type { WorkflowDag } from '../../../shared/analysis/dag.js';
import type { WorkflowConfig } from '../../../shared/analysis/config.js';
import { emptyCounters, parseMessage, type RuntimeLine } from '../../../services/log-syncer/core/parse.js';
import type { SimulatedEvent } from '../../../bench/log-syncer/simulate.js';

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/log-syncer/${name}-dag.json`, import.meta.url), 'utf8')) as {
    dag: WorkflowDag;
    config: WorkflowConfig;
  };
export const mapReduce = load('map_reduce');
export const smallSync = load('small_sync_example');
export const runIdOf = (i: number) => i.toString(16).padStart(32, '0');

/** A run's CloudWatch events → its runtime lines (`parseMessage`) and its REPORT lines (request id → Init Duration or null). */
export function splitEvents(events: readonly SimulatedEvent[]): { lines: RuntimeLine[]; reports: Map<string, number | null> } {
  const c = emptyCounters();
  const lines: RuntimeLine[] = [];
  const reports = new Map<string, number | null>();
  for (const e of events) {
    const p = parseMessage(e.message, e.timestampMs, c);
    if (p.kind === 'runtime') lines.push(p.line);
    else if (p.kind === 'report') reports.set(p.report.requestId, p.report.initDurationS ?? null);
  }
  return { lines, reports };
}
