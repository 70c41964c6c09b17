// Shared pieces of the orchestrator's tests: a controllable clock, a releaser that records what it
// would put on the bus, a logger that keeps lines, and cycle deps built over a moto-backed store.
import type { CycleDeps, CycleLog } from '../../services/orchestrator/core/cycle.js';
import { parseOrchestratorConfig, type OrchestratorConfig } from '../../shared/orchestrator/config.js';
import type { MetricReader } from '../../services/orchestrator/core/ecology.js';
import { messageOf, type ReleaseFailure, type Releaser } from '../../services/orchestrator/core/releaser.js';
import type { TaskRow, TaskStore } from '../../shared/orchestrator/task-store.js';
import type { InternalActionMessage } from '../../shared/contracts/internal.js';

export class Clock {
  constructor(public nowS: number) {}
  now = (): number => this.nowS;
  advance(seconds: number): void {
    this.nowS += seconds;
  }
}

export class RecordingReleaser implements Releaser {
  readonly released: InternalActionMessage[] = [];
  failNext = 0;
  async release(tasks: readonly TaskRow[]): Promise<ReleaseFailure[]> {
    const failures: ReleaseFailure[] = [];
    for (const task of tasks) {
      if (this.failNext > 0) {
        this.failNext--;
        failures.push({ task, error: 'PutEvents InternalFailure: injected' });
      } else this.released.push(messageOf(task));
    }
    return failures;
  }
}

export class MemoryLog implements CycleLog {
  readonly lines: { level: string; message: string; extra?: Record<string, unknown> }[] = [];
  info = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'info', message, extra });
  warn = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'warn', message, extra });
  error = (message: string, extra?: Record<string, unknown>) => void this.lines.push({ level: 'error', message, extra });
}

export const NO_METRICS: MetricReader = { read: async () => new Map() };

/** A config where only log-syncer is a labourer (the test labourer plays it). */
export function testConfig(labourer: Record<string, unknown> = {}, rest: Record<string, unknown> = {}): OrchestratorConfig {
  const config = parseOrchestratorConfig({
    labourers: { 'log-syncer': { max_simultaneous_invocations: 5, max_attempts: 3, max_duration_s: 60, cooldown_s: 0, ...labourer } },
    retry: { base_delay_s: 10, max_delay_s: 100, jitter: 0 },
    lease_s: 30,
    ...rest,
  });
  // Only the labourer under test.
  for (const id of ['data-collectors', 'deployment-manager', 'migrator'] as const) delete config.labourers[id];
  return config;
}

export function cycleDeps(store: TaskStore, config: OrchestratorConfig, overrides: Partial<CycleDeps> = {}): CycleDeps {
  return {
    config,
    store,
    releaser: new RecordingReleaser(),
    metrics: NO_METRICS,
    now: () => Date.now() / 1000,
    owner: `run-${Math.random().toString(36).slice(2)}`,
    log: new MemoryLog(),
    random: () => 0.5,
    ...overrides,
  };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
