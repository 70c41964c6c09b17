// The orchestrator's implementation of the Dispatcher contract: fan-out work becomes one task per
// item at the end of its labourer's queue, then the orchestrator is nudged (a message on its own
// queue) so release starts within seconds instead of at the next minute's schedule.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { LABOURER_OF_TYPE, type DispatchResult, type Dispatcher, type LabourerId, type WorkItem } from '../contracts/internal.js';
import { childCausation } from '../guards/loop-guard.js';
import { appendGreenfields } from './greenfield.js';
import type { TaskRow, TaskStore } from './task-store.js';

export const NUDGE_SOURCE = 'caribou.orchestrator.nudge';

/** Asks the orchestrator to run soon; best effort (the schedule runs it every minute anyway). */
export interface Nudger {
  nudge(reason: string): Promise<void>;
}

export class SqsNudger implements Nudger {
  constructor(
    private readonly sqs: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async nudge(reason: string): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl, MessageBody: JSON.stringify({ source: NUDGE_SOURCE, reason }) }));
  }
}

export interface TaskDispatcherOptions {
  store: TaskStore;
  nudger?: Nudger;
  now?: () => number;
  newId?: () => string;
  greenfieldStep?: number;
  onNudgeError?: (error: unknown) => void;
}

export class TaskDispatcher implements Dispatcher {
  constructor(private readonly options: TaskDispatcherOptions) {}

  async dispatch(items: readonly WorkItem[]): Promise<DispatchResult> {
    // Hop limit for every item before anything is written (throws LoopGuardError).
    const causations = items.map((item) => childCausation(item.parent));
    const now = (this.options.now ?? (() => Date.now() / 1000))();
    const newId = this.options.newId ?? (() => randomUUID().replaceAll('-', ''));
    const step = this.options.greenfieldStep ?? 1000;
    const rows: TaskRow[] = items.map((item, i) => ({
      task_id: newId(),
      labourer_id: LABOURER_OF_TYPE[item.type],
      type: item.type,
      event: item.event as Record<string, unknown>,
      root_id: causations[i]!.root_id,
      hop: causations[i]!.hop,
      created_at: now,
      greenfield: 0,
      attempts: 0,
    }));
    // FIFO per labourer: append after the newest queued task (one query per labourer).
    const byLabourer = new Map<LabourerId, TaskRow[]>();
    for (const row of rows) byLabourer.set(row.labourer_id, [...(byLabourer.get(row.labourer_id) ?? []), row]);
    for (const [labourer, group] of byLabourer) {
      const newest = await this.options.store.newestQueued(labourer, Math.floor(now));
      appendGreenfields(newest, group.length, step).forEach((g, i) => (group[i]!.greenfield = g));
    }
    await this.options.store.putNew(rows);
    if (rows.length > 0 && this.options.nudger) {
      try {
        await this.options.nudger.nudge(`${rows.length} task(s) created for ${[...byLabourer.keys()].join(', ')}`);
      } catch (error) {
        this.options.onNudgeError?.(error);
      }
    }
    return { task_ids: rows.map((r) => r.task_id) };
  }
}
