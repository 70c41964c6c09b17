// Thin Lambda handler of the action router: recognise the delivery (SQS batch, EventBridge event or
// direct invoke), answer it (delivery.ts: core + logging), map the result. SQS batches go through the
// one SQS consumer shape (shared/aws/sqs-consumer.ts), records answered in parallel as before.
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { isSqsEvent, unwrapEvent } from '../../shared/aws/sqs-envelope.js';
import { consumeSqsBatch } from '../../shared/aws/sqs-consumer.js';
import type { Answer, RouterDeps } from './core.js';
import { routerDepsFromEnv } from './deps.js';
import { answer, answerRecord, logAnswer } from './delivery.js';

const logger = new Logger({ serviceName: 'caribou-action-router' });

/** Builds the handler around a deps factory (called once, on first use: clients are lazy). */
export function createHandler(makeDeps: () => RouterDeps) {
  let deps: RouterDeps | undefined;
  return async (event: unknown, context: Context): Promise<Answer | SQSBatchResponse> => {
    logger.addContext(context);
    const current = (deps ??= makeDeps());
    if (isSqsEvent(event)) return consumeSqsBatch(event, context, (record) => answerRecord(logger, record, current), { parallel: true });
    // Direct invoke: the seed's JSON verbatim (or an EventBridge event); the answer is returned.
    const message = unwrapEvent(event);
    const result = await answer(message, context.awsRequestId, current);
    logAnswer(logger, result, message.payload, 'invoke');
    return result;
  };
}

export const handler = createHandler(() => routerDepsFromEnv());
