// The WorkerAssistant role (sosw §7): the one helper labourers use to report a task completed or
// failed. Reports are conditional updates of the task's row, so a report that arrives late (the
// task already retried, archived or claimed again) changes nothing and is answered `stale`, never
// an upsert of a stray row. A failure report makes the task eligible for retry at the next
// scavenger run (sosw waited for expiry). After a report the orchestrator is nudged so the freed
// slot is refilled without waiting for the schedule.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { InternalActionMessage } from '../contracts/internal.js';
import type { Nudger } from './dispatcher.js';
import type { TaskRef, TaskReporter } from '../labourer/consumer.js';
import { lostRace } from './task-store.js';

export type ReportOutcome = 'recorded' | 'stale';

/** Results are kept on the task for the operator; larger ones are cut (DynamoDB items max 400 KB). */
const MAX_RESULT_CHARS = 8_000;
const MAX_ERROR_CHARS = 2_000;

export type { TaskRef };

export interface WorkerAssistantOptions {
  doc: DynamoDBDocumentClient;
  tasksTable: string;
  nudger?: Nudger;
  now?: () => number;
  onNudgeError?: (error: unknown) => void;
}

export function taskRefOf(message: Pick<InternalActionMessage, 'meta'>): TaskRef | undefined {
  const taskId = message.meta?.task_id ?? message.meta?.idempotency_key;
  return taskId ? { task_id: taskId, attempt: message.meta?.attempt } : undefined;
}

function boundedResult(result: unknown): unknown {
  if (result === undefined) return undefined;
  const json = JSON.stringify(result);
  if (json === undefined) return undefined;
  return json.length <= MAX_RESULT_CHARS ? JSON.parse(json) : { truncated: true, json_prefix: json.slice(0, MAX_RESULT_CHARS) };
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : typeof error === 'string' ? error : JSON.stringify(error);
  return (text ?? 'unknown error').slice(0, MAX_ERROR_CHARS);
}

export class WorkerAssistant {
  constructor(private readonly options: WorkerAssistantOptions) {}

  private nowS(): number {
    return (this.options.now ?? (() => Date.now() / 1000))();
  }

  /** Marks a claimed task completed (whatever attempt did the work: done is done). */
  async completed(ref: TaskRef, result?: unknown): Promise<ReportOutcome> {
    const now = this.nowS();
    const value = boundedResult(result);
    const outcome = await this.update(ref.task_id, {
      UpdateExpression: value === undefined ? 'SET completed_at = :now' : 'SET completed_at = :now, #result = :r',
      // Only a claimed task (greenfield = claim time + Δ, far ahead of now) that is not completed yet.
      ConditionExpression: 'attribute_exists(labourer_id) AND greenfield > :now AND attribute_not_exists(completed_at)',
      ExpressionAttributeValues: { ':now': now, ...(value === undefined ? {} : { ':r': value }) },
      ...(value === undefined ? {} : { ExpressionAttributeNames: { '#result': 'result' } }),
    });
    if (outcome === 'recorded') await this.nudge(`task ${ref.task_id} completed`);
    return outcome;
  }

  /**
   * Marks the current attempt of a claimed task failed; the scavenger retries it, or closes it as
   * dead when attempts are used up or the failure is not retryable (a retry could never succeed).
   */
  async failed(ref: TaskRef, error: unknown, options: { retryable?: boolean } = {}): Promise<ReportOutcome> {
    const now = this.nowS();
    const sameAttempt = ref.attempt === undefined ? '' : ' AND attempts = :a';
    const noRetry = options.retryable === false;
    const outcome = await this.update(ref.task_id, {
      UpdateExpression: `SET failed_at = :now, last_error = :e${noRetry ? ', no_retry = :t' : ''} ADD failed_attempts :one`,
      ConditionExpression: `attribute_exists(labourer_id) AND greenfield > :now AND attribute_not_exists(completed_at) AND attribute_not_exists(failed_at)${sameAttempt}`,
      ExpressionAttributeValues: {
        ':now': now,
        ':e': `attempt ${ref.attempt ?? '?'}: ${errorText(error)}`,
        ':one': 1,
        ...(noRetry ? { ':t': true } : {}),
        ...(ref.attempt === undefined ? {} : { ':a': ref.attempt }),
      },
    });
    if (outcome === 'recorded') await this.nudge(`task ${ref.task_id} failed`);
    return outcome;
  }

  private async update(
    taskId: string,
    expression: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ): Promise<ReportOutcome> {
    try {
      await this.options.doc.send(new UpdateCommand({ TableName: this.options.tasksTable, Key: { task_id: taskId }, ...expression }));
      return 'recorded';
    } catch (error) {
      if (lostRace(error)) return 'stale';
      throw error;
    }
  }

  private async nudge(reason: string): Promise<void> {
    if (!this.options.nudger) return;
    try {
      await this.options.nudger.nudge(reason);
    } catch (error) {
      this.options.onNudgeError?.(error);
    }
  }
}

/**
 * The WorkerAssistant as the TaskReporter of shared/labourer/consumer.ts (reports by task id; a
 * non-retryable failure closes the task as dead at the next scavenger run).
 */
export function taskReporter(assistant: WorkerAssistant): TaskReporter {
  return {
    completed: async (ref, result) => void (await assistant.completed(ref, result)),
    failed: async (ref, error) => void (await assistant.failed(ref, error.message, { retryable: error.retryable })),
  };
}
