// Releasing a claimed task = putting its internal event on the bus, from the only source the
// labourers' rules accept. PutEvents takes 10 entries per call; entries that fail are reported back
// so their tasks can be marked failed (and retried) instead of waiting for expiry.
import type { InternalActionMessage } from '../../../shared/contracts/internal.js';
import type { TaskRow } from '../../../shared/orchestrator/task-store.js';

export function messageOf(task: TaskRow): InternalActionMessage {
  return {
    action: 'internal_action',
    type: task.type,
    event: task.event as InternalActionMessage['event'],
    meta: { idempotency_key: task.task_id, root_id: task.root_id, hop: task.hop, task_id: task.task_id, attempt: task.attempts },
  };
}

export interface ReleaseFailure {
  task: TaskRow;
  error: string;
}

export interface Releaser {
  /** Releases the tasks; resolves with those that could not be released. */
  release(tasks: readonly TaskRow[]): Promise<ReleaseFailure[]>;
}
