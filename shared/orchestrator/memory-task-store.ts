// The task store in memory, with DynamoTaskStore's semantics (greenfield order, conditional claims,
// all-or-nothing moves that lose to concurrent changes, the lease): unit tests run the orchestrator's
// cycle against it without the emulator. `completed`/`failed` do what the WorkerAssistant's
// conditional updates do, so a test can play the labourer.
import type { Markers } from './greenfield.js';
import { closedStatusKey, type ClosedRow, type CloseOutcome, type RetryRow, type TaskRow, type TaskStore } from './task-store.js';

const copy = <T>(row: T): T => structuredClone(row);
const byGreenfield = (a: TaskRow, b: TaskRow) => a.greenfield - b.greenfield;

export class MemoryTaskStore implements TaskStore {
  readonly tasks = new Map<string, TaskRow>();
  readonly retries = new Map<string, RetryRow>();
  readonly closed = new Map<string, ClosedRow>();
  readonly leases = new Map<string, { owner: string; expiresAt: number }>();

  private retryKey = (labourer: string, taskId: string) => `${labourer}\u0000${taskId}`;

  private rowsOf(labourer: string, keep: (row: TaskRow) => boolean = () => true): TaskRow[] {
    return [...this.tasks.values()]
      .filter((r) => r.labourer_id === labourer && keep(r))
      .sort(byGreenfield)
      .map(copy);
  }

  async putNew(rows: readonly TaskRow[]): Promise<void> {
    for (const row of rows) this.tasks.set(row.task_id, copy(row));
  }

  async newestQueued(labourer: string, start: number): Promise<number | undefined> {
    return this.rowsOf(labourer, (r) => r.greenfield < start).at(-1)?.greenfield;
  }

  async oldestQueued(labourer: string, start: number): Promise<number | undefined> {
    return this.rowsOf(labourer, (r) => r.greenfield < start)[0]?.greenfield;
  }

  async nextQueued(labourer: string, start: number, n: number): Promise<TaskRow[]> {
    return n < 1 ? [] : this.rowsOf(labourer, (r) => r.greenfield < start).slice(0, n);
  }

  async countRunning(labourer: string, m: Markers): Promise<number> {
    return this.rowsOf(
      labourer,
      (r) => r.greenfield > m.expired && r.greenfield <= m.invoked && r.completed_at === undefined && r.failed_at === undefined,
    ).length;
  }

  async claimed(labourer: string, m: Markers): Promise<TaskRow[]> {
    return this.rowsOf(labourer, (r) => r.greenfield >= m.start);
  }

  async claim(task: TaskRow, m: Markers, nowS: number): Promise<TaskRow | undefined> {
    const row = this.tasks.get(task.task_id);
    if (!row || row.labourer_id !== task.labourer_id || !(row.greenfield < m.start)) return undefined;
    Object.assign(row, { greenfield: m.invoked, claimed_at: nowS, attempts: (row.attempts ?? 0) + 1 });
    return copy(row);
  }

  async markReleaseFailed(task: TaskRow, nowS: number, message: string): Promise<void> {
    const row = this.tasks.get(task.task_id);
    if (row && row.greenfield === task.greenfield && row.completed_at === undefined)
      Object.assign(row, { failed_at: nowS, last_error: message });
  }

  async archive(task: TaskRow, nowS: number): Promise<boolean> {
    const row = this.tasks.get(task.task_id);
    if (!row || row.completed_at === undefined || row.greenfield !== task.greenfield) return false;
    this.closed.set(task.task_id, {
      ...copy(task),
      labourer_id_task_status: closedStatusKey(task.labourer_id, 'completed'),
      closed_at: nowS,
      outcome: 'completed',
    });
    this.tasks.delete(task.task_id);
    return true;
  }

  async archiveMany(tasks: readonly TaskRow[], nowS: number): Promise<{ archived: number; lost: number }> {
    let archived = 0;
    for (const task of tasks) if (await this.archive(task, nowS)) archived++;
    return { archived, lost: tasks.length - archived };
  }

  /** The condition of DynamoTaskStore's deleteUnlessCompleted. */
  private unchangedAndOpen(task: TaskRow): boolean {
    const row = this.tasks.get(task.task_id);
    return row !== undefined && row.greenfield === task.greenfield && row.completed_at === undefined;
  }

  async moveToRetry(task: TaskRow, desiredLaunchTime: number): Promise<boolean> {
    if (!this.unchangedAndOpen(task)) return false;
    const { completed_at: _c, failed_at: _f, no_retry: _n, ...rest } = copy(task);
    this.retries.set(this.retryKey(task.labourer_id, task.task_id), { ...rest, desired_launch_time: desiredLaunchTime });
    this.tasks.delete(task.task_id);
    return true;
  }

  async closeDead(task: TaskRow, nowS: number, reason: string): Promise<boolean> {
    if (!this.unchangedAndOpen(task)) return false;
    this.closed.set(task.task_id, {
      ...copy(task),
      labourer_id_task_status: closedStatusKey(task.labourer_id, 'dead'),
      closed_at: nowS,
      outcome: 'dead',
      dead_reason: reason,
    });
    this.tasks.delete(task.task_id);
    return true;
  }

  async dueRetries(labourer: string, start: number, limit: number): Promise<RetryRow[]> {
    return (await this.retryOf(labourer))
      .filter((r) => r.desired_launch_time <= start)
      .sort((a, b) => a.desired_launch_time - b.desired_launch_time)
      .slice(0, limit);
  }

  async requeue(row: RetryRow, greenfield: number): Promise<boolean> {
    const key = this.retryKey(row.labourer_id, row.task_id);
    if (this.tasks.has(row.task_id) || !this.retries.has(key)) return false;
    const { desired_launch_time: _d, ...task } = copy(row);
    this.tasks.set(row.task_id, { ...task, greenfield });
    this.retries.delete(key);
    return true;
  }

  async getActive(taskId: string): Promise<TaskRow | undefined> {
    const row = this.tasks.get(taskId);
    return row ? copy(row) : undefined;
  }

  async getClosed(taskId: string): Promise<ClosedRow | undefined> {
    const row = this.closed.get(taskId);
    return row ? copy(row) : undefined;
  }

  async getRetry(taskId: string, labourers: readonly string[]): Promise<RetryRow | undefined> {
    for (const labourer of labourers) {
      const row = this.retries.get(this.retryKey(labourer, taskId));
      if (row) return copy(row);
    }
    return undefined;
  }

  async activeOf(labourer: string): Promise<TaskRow[]> {
    return this.rowsOf(labourer);
  }

  async retryOf(labourer: string): Promise<RetryRow[]> {
    return [...this.retries.values()]
      .filter((r) => r.labourer_id === labourer)
      .sort((a, b) => a.task_id.localeCompare(b.task_id))
      .map(copy);
  }

  async closedOf(labourer: string, outcome: CloseOutcome, limit = Infinity): Promise<ClosedRow[]> {
    const key = closedStatusKey(labourer, outcome);
    return [...this.closed.values()]
      .filter((r) => r.labourer_id_task_status === key)
      .sort((a, b) => b.closed_at - a.closed_at)
      .slice(0, limit)
      .map(copy);
  }

  async countClosed(labourer: string, outcome: CloseOutcome): Promise<number> {
    return (await this.closedOf(labourer, outcome)).length;
  }

  async acquireLease(labourer: string, owner: string, nowS: number, leaseS: number): Promise<boolean> {
    const lease = this.leases.get(labourer);
    if (lease && lease.expiresAt >= nowS && lease.owner !== owner) return false;
    this.leases.set(labourer, { owner, expiresAt: nowS + leaseS });
    return true;
  }

  async releaseLease(labourer: string, owner: string): Promise<void> {
    const lease = this.leases.get(labourer);
    if (lease?.owner === owner) lease.expiresAt = 0;
  }

  // ---- the WorkerAssistant's reports (its conditional updates on the tasks table) -----------------

  /** A claimed, not yet completed task becomes completed; false when the report is stale. */
  completed(taskId: string, nowS: number, result?: unknown): boolean {
    const row = this.tasks.get(taskId);
    if (!row || !(row.greenfield > nowS) || row.completed_at !== undefined) return false;
    Object.assign(row, { completed_at: nowS, ...(result === undefined ? {} : { result }) });
    return true;
  }

  /** The current attempt of a claimed task failed; false when the report is stale. */
  failed(taskId: string, nowS: number, message: string, options: { attempt?: number; retryable?: boolean } = {}): boolean {
    const row = this.tasks.get(taskId);
    if (!row || !(row.greenfield > nowS) || row.completed_at !== undefined || row.failed_at !== undefined) return false;
    if (options.attempt !== undefined && row.attempts !== options.attempt) return false;
    Object.assign(row, {
      failed_at: nowS,
      last_error: `attempt ${options.attempt ?? '?'}: ${message}`,
      failed_attempts: (row.failed_attempts ?? 0) + 1,
      ...(options.retryable === false ? { no_retry: true } : {}),
    });
    return true;
  }
}
