// The orchestrator's Releaser on EventBridge: PutEvents of 10 entries per call from the only source
// the labourers' rules accept; failed entries are reported back so their tasks are retried.
import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { INTERNAL_EVENT_SOURCE, internalDetailType } from '../../../shared/contracts/internal.js';
import type { TaskRow } from '../../../shared/orchestrator/task-store.js';
import { messageOf, type ReleaseFailure, type Releaser } from '../core/releaser.js';

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
          if (entry.ErrorCode && chunk[j])
            failures.push({ task: chunk[j], error: `PutEvents ${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` });
        });
      } catch (error) {
        for (const task of chunk) failures.push({ task, error: `PutEvents failed: ${(error as Error).message}` });
      }
    }
    return failures;
  }
}
