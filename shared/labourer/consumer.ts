// The one way a labourer service consumes internal events from its queue: unwrap the EventBridge
// event, accept only the orchestrator as source, validate the type's event and its causation meta,
// refuse events past the hop limit, process each task id at most once (Powertools idempotency),
// and report the outcome of the task to the orchestrator. The orchestrator's attempt counter is the
// one source of retries: a reported failure consumes the message (an SQS redelivery would double the
// retries); only a failure that could not be reported is left to SQS. Bad events are consumed.
// runAndReport is the one run-and-report path; labourerHandler wraps it in the SQS consumer shape.
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { internalAction, internalMeta, type InternalActionType } from '../contracts/actions.js';
import { INTERNAL_EVENT_SOURCE, internalDetailType, type InternalActionMessage } from '../contracts/internal.js';
import { formatIssues, parseInternalEvent } from '../contracts/validate.js';
import { unwrapBody } from '../aws/sqs-envelope.js';
import { TransientError, UnreportedTaskError, ValidationError } from '../errors.js';
import { sqsConsumer } from '../aws/sqs-consumer.js';
import { assertAllowedSource, assertWithinHopLimit } from '../guards/loop-guard.js';
import { idempotentConsumer } from '../guards/idempotency.js';
import { IdempotencyAlreadyInProgressError } from '@aws-lambda-powertools/idempotency';

/** The task a delivery is about: its id and which claim (attempt) released it. */
export interface TaskRef {
  task_id: string;
  /** The attempt the report is about (meta.attempt); failure reports for another attempt are stale. */
  attempt?: number;
}

/** Reports a task's outcome to the orchestrator (its WorkerAssistant role). */
export interface TaskReporter {
  completed(ref: TaskRef, result: unknown): Promise<void>;
  failed(ref: TaskRef, error: { message: string; retryable: boolean }): Promise<void>;
}

function alreadyInProgress(error: unknown): boolean {
  for (let e: unknown = error; e; e = (e as Error).cause) if (e instanceof IdempotencyAlreadyInProgressError) return true;
  return false;
}

export interface LabourerOptions {
  service: string;
  types: readonly InternalActionType[];
  process: (message: InternalActionMessage) => Promise<unknown>;
  persistence: BasePersistenceLayer;
  reporter: TaskReporter;
  logger: Logger;
}

/** Parses one SQS body into a checked internal event; ValidationError/LoopGuardError when it is not acceptable. */
export function parseInternalDelivery(body: string, types: readonly InternalActionType[]): InternalActionMessage {
  const unwrapped = unwrapBody(body);
  assertAllowedSource(unwrapped.source, [INTERNAL_EVENT_SOURCE]);
  const result = internalAction.safeParse(unwrapped.payload);
  if (!result.success) throw new ValidationError(formatIssues(result.error.issues, unwrapped.payload));
  const action = result.data;
  if (!types.includes(action.type))
    throw new ValidationError(`type "${action.type}" is not consumed here; expected one of ${types.join(', ')}`);
  if (unwrapped.detailType !== undefined && unwrapped.detailType !== internalDetailType(action.type)) {
    throw new ValidationError(`detail-type "${unwrapped.detailType}" does not match type "${action.type}"`);
  }
  const meta = internalMeta.safeParse(action.meta);
  if (!meta.success)
    throw new ValidationError(`internal events need causation meta: ${formatIssues(meta.error.issues, action.meta, ['meta'])}`);
  assertWithinHopLimit(meta.data);
  return { action: 'internal_action', type: action.type, event: parseInternalEvent(action.type, action.event), meta: meta.data };
}

export interface RunAndReportDeps {
  consume: (message: InternalActionMessage) => Promise<unknown>;
  reporter: TaskReporter;
  logger: Pick<Logger, 'info' | 'error'>;
}

/**
 * Runs one accepted task and reports its outcome: the one run-and-report path of every labourer
 * (the services, and the test labourer the orchestrator's benchmark and scenario tests run).
 * Returns when the delivery may be consumed; throws UnreportedTaskError when it may not.
 */
export async function runAndReport(message: InternalActionMessage, deps: RunAndReportDeps): Promise<void> {
  const { reporter, logger } = deps;
  const ref: TaskRef = { task_id: message.meta.task_id ?? message.meta.idempotency_key, attempt: message.meta.attempt };
  let result: unknown;
  try {
    result = await deps.consume(message);
  } catch (error) {
    if (alreadyInProgress(error)) {
      // A duplicate delivery while another invocation works on the task: that one reports.
      logger.info('task already in progress elsewhere; delivery dropped', { taskId: ref.task_id });
      return;
    }
    const retryable = error instanceof TransientError;
    logger.error('task failed', { taskId: ref.task_id, type: message.type, retryable, error: error as Error });
    try {
      await reporter.failed(ref, { message: (error as Error).message, retryable });
    } catch (reportError) {
      logger.error('could not report the task failure; SQS redelivers it', { taskId: ref.task_id, error: reportError as Error });
      throw new UnreportedTaskError(`task ${ref.task_id}: failure not reported`, { cause: reportError });
    }
    return;
  }
  try {
    await reporter.completed(ref, result);
    logger.info('task completed', { taskId: ref.task_id, type: message.type });
  } catch (reportError) {
    // The work is done and recorded by idempotency: a redelivery replays the result and reports again.
    logger.error('could not report the task completion; SQS redelivers it', { taskId: ref.task_id, error: reportError as Error });
    throw new UnreportedTaskError(`task ${ref.task_id}: completion not reported`, { cause: reportError });
  }
}

/** The Lambda handler of a labourer: the SQS consumer shape (shared/aws/sqs-consumer.ts), records one by one. */
export function labourerHandler(options: LabourerOptions) {
  const consume = idempotentConsumer(options.service, options.process, options.persistence);
  const deps: RunAndReportDeps = { consume, reporter: options.reporter, logger: options.logger };
  const handle = sqsConsumer((record) => runAndReport(parseInternalDelivery(record.body, options.types), deps), {
    refused: (error, record) =>
      options.logger.error('internal event refused', { status: 400, message: error.message, messageId: record.messageId }),
  });
  return async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
    options.logger.addContext(context);
    consume.registerContext(context);
    return handle(event, context);
  };
}
