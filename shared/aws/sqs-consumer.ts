// The one SQS consumer shape of the system: Powertools batch (BatchProcessor + processPartialResponse,
// ReportBatchItemFailures). A record whose handler returns is consumed. With `refused`, a contract
// error (400 class: ValidationError, LoopGuardError) is logged there and consumed too: a retry could
// never succeed and it must not fill the DLQ. Any other error makes the record a batch item failure,
// which SQS redelivers. A processor per invocation: the batch processor keeps the batch's state, and
// tests and benchmarks run several invocations of one handler at once.
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { LoopGuardError, ValidationError } from '../errors.js';

export type SqsRecordHandler = (record: SQSRecord) => Promise<void>;

export interface SqsConsumerOptions {
  /** Records are processed one after another unless this is true (then all at once). */
  parallel?: boolean;
  /** Consume contract errors (logged here) instead of reporting them as batch item failures. */
  refused?: (error: ValidationError | LoopGuardError, record: SQSRecord) => void;
}

export function isContractError(error: unknown): error is ValidationError | LoopGuardError {
  return error instanceof ValidationError || error instanceof LoopGuardError;
}

/** Consumes one SQS batch with `handle` per record; answers the records to retry. */
export async function consumeSqsBatch(
  event: SQSEvent,
  context: Context | undefined,
  handle: SqsRecordHandler,
  options: SqsConsumerOptions = {},
): Promise<SQSBatchResponse> {
  const { refused } = options;
  const record = refused
    ? async (r: SQSRecord) => {
        try {
          await handle(r);
        } catch (error) {
          if (!isContractError(error)) throw error;
          refused(error, r);
        }
      }
    : handle;
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse({ Records: event.Records ?? [] }, record, processor, {
    ...(context ? { context } : {}),
    throwOnFullBatchFailure: false,
    processInParallel: options.parallel ?? false,
  });
}

/** A Lambda handler of SQS batches built on consumeSqsBatch. */
export function sqsConsumer(handle: SqsRecordHandler, options: SqsConsumerOptions = {}) {
  return (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => consumeSqsBatch(event, context, handle, options);
}
