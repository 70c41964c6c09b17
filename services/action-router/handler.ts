// Thin Lambda handler of the action router: recognise the delivery (SQS batch, EventBridge event or
// direct invoke), call the core, map the result. SQS: answers are logged; a 400 is an answer, not a
// failure (never retried, never in the DLQ); only transient errors become batch item failures.
import type { Context, SQSRecord, SQSBatchResponse } from 'aws-lambda';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { Logger } from '@aws-lambda-powertools/logger';
import { PUBLIC_ACTION_SOURCE } from '../../shared/contracts/internal.js';
import { isSqsEvent, unwrapBody, unwrapEvent, type UnwrappedMessage } from '../../shared/aws/sqs-envelope.js';
import { loggable } from '../../shared/contracts/validate.js';
import { ValidationError } from '../../shared/errors.js';
import { routeAction, type Answer, type RouterDeps } from './core.js';
import { routerDepsFromEnv } from './deps.js';

const logger = new Logger({ serviceName: 'caribou-action-router' });

/** EventBridge deliveries to the router must come from the public-action source (loop guard). */
const ALLOWED_SOURCES = [PUBLIC_ACTION_SOURCE];

async function answer(message: UnwrappedMessage, rootId: string, deps: RouterDeps): Promise<Answer> {
  if (message.source !== undefined && !ALLOWED_SOURCES.includes(message.source)) {
    return { status: 400, message: `event source "${message.source}" may not send actions to the router; expected ${ALLOWED_SOURCES.join(', ')}` };
  }
  return routeAction(message.payload, deps, message.eventId ?? rootId);
}

function log(answer: Answer, payload: unknown, via: string): void {
  const action = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).action : undefined;
  if (answer.status >= 400) logger.warn('action refused', { via, action: loggable(action ?? null), answer, payload: loggable(payload) });
  else logger.info('action answered', { via, action: action ?? null, answer });
}

async function processRecord(record: SQSRecord, deps: RouterDeps): Promise<void> {
  let message: UnwrappedMessage;
  try {
    message = unwrapBody(record.body);
  } catch (error) {
    if (error instanceof ValidationError) {
      log({ status: 400, message: error.message }, record.body, 'sqs');
      return;
    }
    throw error;
  }
  const result = await answer(message, record.messageId, deps);
  log(result, message.payload, message.source ? 'eventbridge' : 'sqs');
}

/** Builds the handler around a deps factory (called once, on first use: clients are lazy). */
export function createHandler(makeDeps: () => RouterDeps) {
  let deps: RouterDeps | undefined;
  const processor = new BatchProcessor(EventType.SQS);
  return async (event: unknown, context: Context): Promise<Answer | SQSBatchResponse> => {
    logger.addContext(context);
    deps ??= makeDeps();
    const current = deps;
    if (isSqsEvent(event)) {
      return processPartialResponse(event, (record: SQSRecord) => processRecord(record, current), processor, {
        context,
        throwOnFullBatchFailure: false,
      });
    }
    // Direct invoke: the seed's JSON verbatim (or an EventBridge event); the answer is returned.
    const message = unwrapEvent(event);
    const result = await answer(message, context.awsRequestId, current);
    log(result, message.payload, 'invoke');
    return result;
  };
}

export const handler = createHandler(() => routerDepsFromEnv());
