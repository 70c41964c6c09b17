// Releasing a claimed task = putting its internal event on the bus, from the only source the
// labourers' rules accept. PutEvents takes 10 entries per call; entries that fail are reported back
// so their tasks can be marked failed (and retried) instead of waiting for expiry.
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { INTERNAL_EVENT_SOURCE, internalDetailType, type InternalActionMessage } from '../contracts/internal.js';
import type { TaskRow } from './task-store.js';

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

export class EventBridgeReleaser implements Releaser {
  constructor(
    private readonly events: EventBridgeClient,
    private readonly busName: string,
  ) {}

  async release(tasks: readonly TaskRow[]): Promise<ReleaseFailure[]> {
    const failures: ReleaseFailure[] = [];
    for (let i = 0; i < tasks.length; i += 10) {
      const chunk = tasks.slice(i, i + 10);
      try {
        const out = await this.events.send(
          new PutEventsCommand({
            Entries: chunk.map((task) => ({
              EventBusName: this.busName,
              Source: INTERNAL_EVENT_SOURCE,
              DetailType: internalDetailType(task.type),
              Detail: JSON.stringify(messageOf(task)),
            })),
          }),
        );
        (out.Entries ?? []).forEach((entry, j) => {
          if (entry.ErrorCode && chunk[j]) failures.push({ task: chunk[j], error: `PutEvents ${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` });
        });
      } catch (error) {
        for (const task of chunk) failures.push({ task, error: `PutEvents failed: ${(error as Error).message}` });
      }
    }
    return failures;
  }
}
