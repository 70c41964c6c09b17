// DynamoDB access of the orchestrator's three tables. Every state change is one conditional write
// or one transaction, so two runs, a late labourer report and a crash at any point can neither lose
// nor duplicate a task: a claim only succeeds on a still-queued task; a move between tables is a
// put + a conditional delete in one TransactWriteItems.
import {
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { conditionFailed } from '../stores/conditional.js';
import type { InternalActionType } from '../contracts/actions.js';
import type { LabourerId } from '../contracts/internal.js';
import { ValidationError } from '../errors.js';
import type { Markers } from './greenfield.js';

export const TASKS_GREENFIELD_INDEX = 'labourer_greenfield';
export const CLOSED_STATUS_INDEX = 'labourer_task_status_with_time';
export const RETRY_LAUNCH_INDEX = 'labourer_desired_launch_time';

export interface TableNames {
  tasks: string;
  /** Not needed by the dispatcher and the WorkerAssistant, which only touch the tasks table. */
  closed?: string;
  retry?: string;
}

/** A row of the tasks table (and, with extra fields, of the closed and retry tables). */
export interface TaskRow {
  task_id: string;
  labourer_id: LabourerId;
  type: InternalActionType;
  /** The internal event's parameters, released verbatim. */
  event: Record<string, unknown>;
  root_id: string;
  /** Hop of the released event (parent hop + 1). */
  hop: number;
  created_at: number;
  greenfield: number;
  /** Claims so far; the released event carries it as meta.attempt. */
  attempts: number;
  claimed_at?: number;
  completed_at?: number;
  failed_at?: number;
  /** Explicit failure reports so far (informational). */
  failed_attempts?: number;
  last_error?: string;
  /** Set by a non-retryable failure report: the scavenger closes the task as dead. */
  no_retry?: boolean;
  result?: unknown;
}

export type CloseOutcome = 'completed' | 'dead';

export interface ClosedRow extends TaskRow {
  /** `<labourer_id>_1` completed, `<labourer_id>_0` dead (sosw encoding). */
  labourer_id_task_status: string;
  closed_at: number;
  outcome: CloseOutcome;
  dead_reason?: string;
}

export interface RetryRow extends TaskRow {
  desired_launch_time: number;
}

export const closedStatusKey = (labourer: string, outcome: CloseOutcome) => `${labourer}_${outcome === 'completed' ? 1 : 0}`;

/** True when a conditional write or a transaction lost to a concurrent change. */
export const lostRace = conditionFailed;

/**
 * The orchestrator's task store: the tasks table (queued and claimed rows, greenfield-ordered), the
 * retry table and the closed table, and a per-labourer lease. `DynamoTaskStore` is the production
 * implementation; `MemoryTaskStore` (memory-task-store.ts) keeps the same semantics in memory for
 * unit tests of the cycle. Moves between tables are all-or-nothing and return false when the row
 * changed meanwhile (a lost race), exactly like the DynamoDB transactions.
 */
export interface TaskStore {
  putNew(rows: readonly TaskRow[]): Promise<void>;
  newestQueued(labourer: string, start: number): Promise<number | undefined>;
  oldestQueued(labourer: string, start: number): Promise<number | undefined>;
  nextQueued(labourer: string, start: number, n: number): Promise<TaskRow[]>;
  countRunning(labourer: string, m: Markers): Promise<number>;
  claimed(labourer: string, m: Markers): Promise<TaskRow[]>;
  claim(task: TaskRow, m: Markers, nowS: number): Promise<TaskRow | undefined>;
  markReleaseFailed(task: TaskRow, nowS: number, message: string): Promise<void>;
  archive(task: TaskRow, nowS: number): Promise<boolean>;
  archiveMany(tasks: readonly TaskRow[], nowS: number): Promise<{ archived: number; lost: number }>;
  moveToRetry(task: TaskRow, desiredLaunchTime: number): Promise<boolean>;
  closeDead(task: TaskRow, nowS: number, reason: string): Promise<boolean>;
  dueRetries(labourer: string, start: number, limit: number): Promise<RetryRow[]>;
  requeue(row: RetryRow, greenfield: number): Promise<boolean>;
  getActive(taskId: string): Promise<TaskRow | undefined>;
  getClosed(taskId: string): Promise<ClosedRow | undefined>;
  getRetry(taskId: string, labourers: readonly string[]): Promise<RetryRow | undefined>;
  activeOf(labourer: string): Promise<TaskRow[]>;
  retryOf(labourer: string): Promise<RetryRow[]>;
  closedOf(labourer: string, outcome: CloseOutcome, limit?: number): Promise<ClosedRow[]>;
  countClosed(labourer: string, outcome: CloseOutcome): Promise<number>;
  acquireLease(labourer: string, owner: string, nowS: number, leaseS: number): Promise<boolean>;
  releaseLease(labourer: string, owner: string): Promise<void>;
}

export class DynamoTaskStore implements TaskStore {
  constructor(
    readonly doc: DynamoDBDocumentClient,
    readonly tables: TableNames,
  ) {}

  private get closedTable(): string {
    if (!this.tables.closed) throw new ValidationError('the closed-tasks table name is not configured (CARIBOU_CLOSED_TASKS_TABLE)');
    return this.tables.closed;
  }

  private get retryTable(): string {
    if (!this.tables.retry) throw new ValidationError('the retry-tasks table name is not configured (CARIBOU_RETRY_TASKS_TABLE)');
    return this.tables.retry;
  }

  private async queryAll<T>(input: QueryCommandInput, limit = Infinity): Promise<T[]> {
    const items: T[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, ExclusiveStartKey: startKey }));
      items.push(...((page.Items ?? []) as T[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    return items.slice(0, limit);
  }

  private async count(input: QueryCommandInput): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: startKey }));
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }

  // ---- queue ------------------------------------------------------------------------------------

  /** Writes new tasks (fresh ids, so BatchWriteItem without conditions is safe); retries unprocessed items. */
  async putNew(rows: readonly TaskRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 25) {
      let requests: Record<string, unknown>[] = rows.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests.length > 0; attempt++) {
        if (attempt > 8)
          throw new Error(`could not write ${requests.length} tasks to ${this.tables.tasks} after ${attempt} attempts (throttled)`);
        if (attempt > 0) await new Promise((r) => setTimeout(r, 50 * 2 ** attempt));
        const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.tables.tasks]: requests as never } }));
        requests = (out.UnprocessedItems?.[this.tables.tasks] ?? []) as Record<string, unknown>[];
      }
    }
  }

  private async queuedEnd(labourer: string, start: number, newest: boolean): Promise<number | undefined> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.tables.tasks,
        IndexName: TASKS_GREENFIELD_INDEX,
        KeyConditionExpression: 'labourer_id = :l AND greenfield < :start',
        ExpressionAttributeValues: { ':l': labourer, ':start': start },
        ProjectionExpression: 'greenfield',
        ScanIndexForward: !newest,
        Limit: 1,
      }),
    );
    const g = out.Items?.[0]?.greenfield;
    return typeof g === 'number' ? g : undefined;
  }

  newestQueued(labourer: string, start: number): Promise<number | undefined> {
    return this.queuedEnd(labourer, start, true);
  }

  oldestQueued(labourer: string, start: number): Promise<number | undefined> {
    return this.queuedEnd(labourer, start, false);
  }

  /** The `n` queued tasks at the head of the labourer's queue (lowest greenfield first). */
  nextQueued(labourer: string, start: number, n: number): Promise<TaskRow[]> {
    if (n < 1) return Promise.resolve([]);
    return this.queryAll<TaskRow>(
      {
        TableName: this.tables.tasks,
        IndexName: TASKS_GREENFIELD_INDEX,
        KeyConditionExpression: 'labourer_id = :l AND greenfield < :start',
        ExpressionAttributeValues: { ':l': labourer, ':start': start },
        ScanIndexForward: true,
        Limit: n,
      },
      n,
    );
  }

  /** Claimed within max duration + cooldown and neither completed nor reported failed. */
  countRunning(labourer: string, m: Markers): Promise<number> {
    return this.count({
      TableName: this.tables.tasks,
      IndexName: TASKS_GREENFIELD_INDEX,
      KeyConditionExpression: 'labourer_id = :l AND greenfield BETWEEN :lo AND :hi',
      FilterExpression: 'attribute_not_exists(completed_at) AND attribute_not_exists(failed_at)',
      ExpressionAttributeValues: { ':l': labourer, ':lo': m.expired + 1, ':hi': m.invoked },
    });
  }

  /** Every claimed row of the labourer (running, completed, failed, expired): classified by the caller. */
  claimed(labourer: string, m: Markers): Promise<TaskRow[]> {
    return this.queryAll<TaskRow>({
      TableName: this.tables.tasks,
      IndexName: TASKS_GREENFIELD_INDEX,
      KeyConditionExpression: 'labourer_id = :l AND greenfield >= :start',
      ExpressionAttributeValues: { ':l': labourer, ':start': m.start },
    });
  }

  /** Claims a task still queued at this run's start; undefined when another run claimed it first. */
  async claim(task: TaskRow, m: Markers, nowS: number): Promise<TaskRow | undefined> {
    try {
      const out = await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.tasks,
          Key: { task_id: task.task_id },
          UpdateExpression: 'SET greenfield = :g, claimed_at = :now ADD attempts :one',
          ConditionExpression: 'labourer_id = :l AND greenfield < :start',
          ExpressionAttributeValues: { ':g': m.invoked, ':now': nowS, ':one': 1, ':l': task.labourer_id, ':start': m.start },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return out.Attributes as TaskRow;
    } catch (error) {
      if (lostRace(error)) return undefined;
      throw error;
    }
  }

  /** A claimed task whose event could not be put on the bus: failed now, so the scavenger retries it. */
  async markReleaseFailed(task: TaskRow, nowS: number, message: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.tasks,
          Key: { task_id: task.task_id },
          UpdateExpression: 'SET failed_at = :now, last_error = :e',
          ConditionExpression: 'greenfield = :g AND attribute_not_exists(completed_at)',
          ExpressionAttributeValues: { ':now': nowS, ':e': message, ':g': task.greenfield },
        }),
      );
    } catch (error) {
      if (!lostRace(error)) throw error;
    }
  }

  // ---- moves between tables (one transaction each) --------------------------------------------------

  /** Completed → closed table. False when the row changed meanwhile (nothing written). */
  async archive(task: TaskRow, nowS: number): Promise<boolean> {
    return this.transact(this.archiveItems(task, nowS));
  }

  /**
   * Archives many completed tasks with few requests: up to 50 tasks (100 items) per transaction.
   * A chunk that loses a race anywhere is retried task by task, so one late change costs only its
   * own task. Returns how many were archived.
   */
  async archiveMany(tasks: readonly TaskRow[], nowS: number): Promise<{ archived: number; lost: number }> {
    let archived = 0;
    let lost = 0;
    for (let i = 0; i < tasks.length; i += 50) {
      const chunk = tasks.slice(i, i + 50);
      if (chunk.length > 1 && (await this.transact(chunk.flatMap((task) => this.archiveItems(task, nowS))))) {
        archived += chunk.length;
        continue;
      }
      for (const task of chunk) {
        if (await this.archive(task, nowS)) archived++;
        else lost++;
      }
    }
    return { archived, lost };
  }

  private archiveItems(task: TaskRow, nowS: number) {
    const closed: ClosedRow = {
      ...task,
      labourer_id_task_status: closedStatusKey(task.labourer_id, 'completed'),
      closed_at: nowS,
      outcome: 'completed',
    };
    return [
      { Put: { TableName: this.closedTable, Item: closed } },
      {
        Delete: {
          TableName: this.tables.tasks,
          Key: { task_id: task.task_id },
          ConditionExpression: 'attribute_exists(completed_at) AND greenfield = :g',
          ExpressionAttributeValues: { ':g': task.greenfield },
        },
      },
    ];
  }

  /** Expired or failed → retry table, due at desiredLaunchTime. */
  async moveToRetry(task: TaskRow, desiredLaunchTime: number): Promise<boolean> {
    const { completed_at: _c, failed_at: _f, no_retry: _n, ...rest } = task;
    const retry: RetryRow = { ...rest, desired_launch_time: desiredLaunchTime };
    return this.transact([{ Put: { TableName: this.retryTable, Item: retry } }, this.deleteUnlessCompleted(task)]);
  }

  /** Out of attempts → closed table as dead, with the reason and the last error kept for the operator. */
  async closeDead(task: TaskRow, nowS: number, reason: string): Promise<boolean> {
    const closed: ClosedRow = {
      ...task,
      labourer_id_task_status: closedStatusKey(task.labourer_id, 'dead'),
      closed_at: nowS,
      outcome: 'dead',
      dead_reason: reason,
    };
    return this.transact([{ Put: { TableName: this.closedTable, Item: closed } }, this.deleteUnlessCompleted(task)]);
  }

  private deleteUnlessCompleted(task: TaskRow) {
    return {
      Delete: {
        TableName: this.tables.tasks,
        Key: { task_id: task.task_id },
        ConditionExpression: 'greenfield = :g AND attribute_not_exists(completed_at)',
        ExpressionAttributeValues: { ':g': task.greenfield },
      },
    };
  }

  /** Retry rows due by `start`, earliest first. */
  dueRetries(labourer: string, start: number, limit: number): Promise<RetryRow[]> {
    return this.queryAll<RetryRow>(
      {
        TableName: this.retryTable,
        IndexName: RETRY_LAUNCH_INDEX,
        KeyConditionExpression: 'labourer_id = :l AND desired_launch_time <= :start',
        ExpressionAttributeValues: { ':l': labourer, ':start': start },
        ScanIndexForward: true,
        Limit: limit,
      },
      limit,
    );
  }

  /** Retry row → tasks table at the given (head-of-queue) greenfield. */
  async requeue(row: RetryRow, greenfield: number): Promise<boolean> {
    const { desired_launch_time: _d, ...task } = row;
    return this.transact([
      { Put: { TableName: this.tables.tasks, Item: { ...task, greenfield }, ConditionExpression: 'attribute_not_exists(task_id)' } },
      {
        Delete: {
          TableName: this.retryTable,
          Key: { labourer_id: row.labourer_id, task_id: row.task_id },
          ConditionExpression: 'attribute_exists(task_id)',
        },
      },
    ]);
  }

  private async transact(items: NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>): Promise<boolean> {
    try {
      await this.doc.send(new TransactWriteCommand({ TransactItems: items }));
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  // ---- lookups -------------------------------------------------------------------------------------

  async getActive(taskId: string): Promise<TaskRow | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.tables.tasks, Key: { task_id: taskId }, ConsistentRead: true }));
    return out.Item?.labourer_id ? (out.Item as TaskRow) : undefined;
  }

  async getClosed(taskId: string): Promise<ClosedRow | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.closedTable, Key: { task_id: taskId }, ConsistentRead: true }));
    return out.Item as ClosedRow | undefined;
  }

  /** Retry rows are keyed by (labourer, task): look in each labourer's partition. */
  async getRetry(taskId: string, labourers: readonly string[]): Promise<RetryRow | undefined> {
    for (const labourer of labourers) {
      const out = await this.doc.send(
        new GetCommand({ TableName: this.retryTable, Key: { labourer_id: labourer, task_id: taskId }, ConsistentRead: true }),
      );
      if (out.Item) return out.Item as RetryRow;
    }
    return undefined;
  }

  /** All active rows of a labourer (queued and claimed), lowest greenfield first. */
  activeOf(labourer: string): Promise<TaskRow[]> {
    return this.queryAll<TaskRow>({
      TableName: this.tables.tasks,
      IndexName: TASKS_GREENFIELD_INDEX,
      KeyConditionExpression: 'labourer_id = :l',
      ExpressionAttributeValues: { ':l': labourer },
    });
  }

  retryOf(labourer: string): Promise<RetryRow[]> {
    return this.queryAll<RetryRow>({
      TableName: this.retryTable,
      KeyConditionExpression: 'labourer_id = :l',
      ExpressionAttributeValues: { ':l': labourer },
    });
  }

  /** Closed rows of a labourer and outcome, most recently closed first. */
  closedOf(labourer: string, outcome: CloseOutcome, limit = Infinity): Promise<ClosedRow[]> {
    return this.queryAll<ClosedRow>(
      {
        TableName: this.closedTable,
        IndexName: CLOSED_STATUS_INDEX,
        KeyConditionExpression: 'labourer_id_task_status = :s',
        ExpressionAttributeValues: { ':s': closedStatusKey(labourer, outcome) },
        ScanIndexForward: false,
        ...(Number.isFinite(limit) ? { Limit: limit } : {}),
      },
      limit,
    );
  }

  countClosed(labourer: string, outcome: CloseOutcome): Promise<number> {
    return this.count({
      TableName: this.closedTable,
      IndexName: CLOSED_STATUS_INDEX,
      KeyConditionExpression: 'labourer_id_task_status = :s',
      ExpressionAttributeValues: { ':s': closedStatusKey(labourer, outcome) },
    });
  }

  // ---- per-labourer lease: one run at a time releases for a labourer --------------------------------

  private leaseKey(labourer: string) {
    return { task_id: `lease#${labourer}` };
  }

  /** Takes the labourer's lease unless another live run holds it. */
  async acquireLease(labourer: string, owner: string, nowS: number, leaseS: number): Promise<boolean> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.tasks,
          Key: this.leaseKey(labourer),
          UpdateExpression: 'SET lease_owner = :o, lease_expires_at = :exp',
          ConditionExpression: 'attribute_not_exists(lease_owner) OR lease_expires_at < :now OR lease_owner = :o',
          ExpressionAttributeValues: { ':o': owner, ':exp': nowS + leaseS, ':now': nowS },
        }),
      );
      return true;
    } catch (error) {
      if (lostRace(error)) return false;
      throw error;
    }
  }

  async releaseLease(labourer: string, owner: string): Promise<void> {
    try {
      await this.doc.send(
        new UpdateCommand({
          TableName: this.tables.tasks,
          Key: this.leaseKey(labourer),
          UpdateExpression: 'SET lease_expires_at = :zero',
          ConditionExpression: 'lease_owner = :o',
          ExpressionAttributeValues: { ':o': owner, ':zero': 0 },
        }),
      );
    } catch (error) {
      if (!lostRace(error)) throw error;
    }
  }
}
