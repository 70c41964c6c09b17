// The operator's view of tasks across the three tables: each task's state, counts per labourer and
// state, and everything known about one task. States: queued, running (released, no report yet),
// completed (reported, archived or about to be), failed / expired (awaiting the scavenger),
// retrying (waiting in the retry table), dead (out of attempts; closed with the reason).
import type { LabourerId } from '../contracts/internal.js';
import type { LabourerConfig, OrchestratorConfig } from './config.js';
import { activeState, markers } from './greenfield.js';
import type { ClosedRow, RetryRow, TaskRow, TaskStore } from './task-store.js';

export const VIEW_STATES = ['queued', 'running', 'completed', 'failed', 'expired', 'retrying', 'dead'] as const;
export type ViewState = (typeof VIEW_STATES)[number];

export interface TaskView {
  task_id: string;
  labourer_id: string;
  type: string;
  state: ViewState;
  attempts: number;
  created_at: number;
  /** Time of the last state change known: claim, report, close or planned retry. */
  at: number;
  where: 'tasks' | 'retry-tasks' | 'closed-tasks';
  last_error?: string;
  dead_reason?: string;
  row: TaskRow | RetryRow | ClosedRow;
}

function viewActive(row: TaskRow, labourer: LabourerConfig | undefined, config: OrchestratorConfig, nowS: number): TaskView {
  const m = markers(nowS, labourer ?? { max_duration_s: 0, cooldown_s: 0 }, config.greenfield_invocation_delta_s);
  const state = activeState(row, m);
  return {
    task_id: row.task_id,
    labourer_id: row.labourer_id,
    type: row.type,
    state,
    attempts: row.attempts,
    created_at: row.created_at,
    at: row.completed_at ?? row.failed_at ?? row.claimed_at ?? row.created_at,
    where: 'tasks',
    ...(row.last_error ? { last_error: row.last_error } : {}),
    row,
  };
}

function viewRetry(row: RetryRow): TaskView {
  return {
    task_id: row.task_id,
    labourer_id: row.labourer_id,
    type: row.type,
    state: 'retrying',
    attempts: row.attempts,
    created_at: row.created_at,
    at: row.desired_launch_time,
    where: 'retry-tasks',
    ...(row.last_error ? { last_error: row.last_error } : {}),
    row,
  };
}

function viewClosed(row: ClosedRow): TaskView {
  return {
    task_id: row.task_id,
    labourer_id: row.labourer_id,
    type: row.type,
    state: row.outcome === 'dead' ? 'dead' : 'completed',
    attempts: row.attempts,
    created_at: row.created_at,
    at: row.closed_at,
    where: 'closed-tasks',
    ...(row.last_error ? { last_error: row.last_error } : {}),
    ...(row.dead_reason ? { dead_reason: row.dead_reason } : {}),
    row,
  };
}

export interface ListOptions {
  labourers: readonly LabourerId[];
  state?: ViewState;
  nowS: number;
}

export interface TaskListing {
  counts: Record<string, Record<ViewState, number>>;
  /** Matching tasks, most recent change first. */
  tasks: TaskView[];
}

const zeroCounts = (): Record<ViewState, number> => Object.fromEntries(VIEW_STATES.map((s) => [s, 0])) as Record<ViewState, number>;

export async function listTasks(store: TaskStore, config: OrchestratorConfig, options: ListOptions): Promise<TaskListing> {
  const counts: TaskListing['counts'] = {};
  const tasks: TaskView[] = [];
  for (const labourer of options.labourers) {
    const [active, retry, completed, dead] = await Promise.all([
      store.activeOf(labourer),
      store.retryOf(labourer),
      store.closedOf(labourer, 'completed'),
      store.closedOf(labourer, 'dead'),
    ]);
    const views = [
      ...active.map((row) => viewActive(row, config.labourers[labourer], config, options.nowS)),
      ...retry.map(viewRetry),
      ...completed.map(viewClosed),
      ...dead.map(viewClosed),
    ];
    const c = zeroCounts();
    for (const view of views) c[view.state]++;
    counts[labourer] = c;
    tasks.push(...views.filter((v) => options.state === undefined || v.state === options.state));
  }
  tasks.sort((a, b) => b.at - a.at);
  return { counts, tasks };
}

/** Everything known about one task, from whichever table holds it. */
export async function showTask(
  store: TaskStore,
  config: OrchestratorConfig,
  taskId: string,
  labourers: readonly LabourerId[],
  nowS: number,
): Promise<TaskView | undefined> {
  const active = await store.getActive(taskId);
  if (active) return viewActive(active, config.labourers[active.labourer_id], config, nowS);
  const closed = await store.getClosed(taskId);
  if (closed) return viewClosed(closed);
  const retry = await store.getRetry(taskId, labourers);
  return retry ? viewRetry(retry) : undefined;
}
