// In-memory ports for the log syncer's core: a paged log source over simulated events, a store that
// round-trips through the real storage encodings and enforces the version condition, a clock.
import type { WorkflowDag } from '../../../shared/analysis/dag.js';
import { summaryFromItem, summaryToItem, emptySummary, type WorkflowSummaryItem } from '../../../shared/stores/workflow-summary-codec.js';
import type {
  FollowUp,
  LogGroupRef,
  LogPage,
  LogSource,
  StoredSync,
  SummaryStore,
  SyncClock,
} from '../../../services/log-syncer/core/ports.js';
import { VersionConflictError } from '../../../services/log-syncer/core/ports.js';
import { decodeState, encodeState } from '../../../services/log-syncer/core/state.js';
import type { SyncSettings } from '../../../services/log-syncer/core/sync.js';
import { DEFAULT_SIZE_POLICY } from '../../../services/log-syncer/core/merge.js';
import type { SimulatedEvent } from '../../../bench/log-syncer/simulate.js';

export class MemoryLogs implements LogSource {
  readonly events = new Map<string, SimulatedEvent[]>();
  requests = 0;
  constructor(readonly pageSize = 50) {}
  add(events: SimulatedEvent[]): void {
    for (const e of events) {
      const list = this.events.get(e.group) ?? [];
      list.push(e);
      this.events.set(e.group, list);
    }
    for (const list of this.events.values()) list.sort((a, b) => a.timestampMs - b.timestampMs);
  }
  async page(group: LogGroupRef, startMs: number, endMs: number, nextToken?: string): Promise<LogPage> {
    this.requests++;
    const all = (this.events.get(group.key) ?? []).filter((e) => e.timestampMs >= startMs && e.timestampMs < endMs);
    const offset = nextToken ? Number(nextToken) : 0;
    const events = all.slice(offset, offset + this.pageSize).map((e) => ({ message: e.message, timestampMs: e.timestampMs }));
    return offset + this.pageSize < all.length ? { events, nextToken: String(offset + this.pageSize) } : { events };
  }
  groups(): LogGroupRef[] {
    return [...this.events.keys()].sort().map((key) => ({ key, region: key.split('|')[0]!, logGroupName: key.split('|')[1]! }));
  }
}

export class MemoryStore implements SummaryStore {
  item?: WorkflowSummaryItem;
  stateBlob?: string;
  writes = 0;
  /** Called before the conditional check: lets a test interleave another sync. */
  beforeSave?: () => Promise<void>;
  async load(workflowId: string): Promise<StoredSync> {
    return {
      summary: this.item ? summaryFromItem(structuredClone(this.item) as unknown as Record<string, unknown>) : emptySummary(workflowId),
      state: decodeState(this.stateBlob),
    };
  }
  async save(next: StoredSync, previousVersion: number): Promise<void> {
    const hook = this.beforeSave;
    this.beforeSave = undefined;
    await hook?.();
    if ((this.item?.version ?? 0) !== previousVersion)
      throw new VersionConflictError(`version is ${this.item?.version}, expected ${previousVersion}`);
    this.item = summaryToItem(next.summary);
    this.stateBlob = encodeState(next.state);
    this.writes++;
  }
}

export class RecordingFollowUp implements FollowUp {
  readonly requested: string[] = [];
  async request(workflowId: string): Promise<void> {
    this.requested.push(workflowId);
  }
}

export class FakeClock implements SyncClock {
  constructor(
    public now: number,
    public remaining = 600_000,
  ) {}
  nowMs(): number {
    return this.now;
  }
  remainingMs(): number {
    return this.remaining;
  }
}

export const testSettings = (overrides: Partial<SyncSettings> = {}): SyncSettings => ({
  graceMs: 60_000,
  horizonMs: 30 * 86_400_000,
  pendingTimeoutMs: 3_600_000,
  minIntervalMs: 0,
  safetyMarginMs: 30_000,
  maxPendingRuns: 500,
  size: DEFAULT_SIZE_POLICY,
  ...overrides,
});

export { emptySummary };
export type { WorkflowDag };
