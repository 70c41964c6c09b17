// How the router answers one delivery (an SQS record, or a direct invoke's event) and logs the
// answer. SQS: a 400 is an answer, not a failure (never retried, never in the DLQ); only a thrown
// (transient) error becomes a batch item failure.
import type { SQSRecord } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { PUBLIC_ACTION_SOURCE } from '../../shared/contracts/internal.js';
import { unwrapBody, type UnwrappedMessage } from '../../shared/aws/sqs-envelope.js';
import { loggable } from '../../shared/contracts/validate.js';
import { ValidationError } from '../../shared/errors.js';
import { routeAction, type Answer, type RouterDeps } from './core.js';

/** EventBridge deliveries to the router must come from the public-action source (loop guard). */
const ALLOWED_SOURCES = [PUBLIC_ACTION_SOURCE];

export async function answer(message: UnwrappedMessage, rootId: string, deps: RouterDeps): Promise<Answer> {
  if (message.source !== undefined && !ALLOWED_SOURCES.includes(message.source)) {
    return {
      status: 400,
      message: `event source "${message.source}" may not send actions to the router; expected ${ALLOWED_SOURCES.join(', ')}`,
    };
  }
  return routeAction(message.payload, deps, message.eventId ?? rootId);
}

export function logAnswer(logger: Logger, answer: Answer, payload: unknown, via: string): void {
  const action = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>).action : undefined;
  if (answer.status >= 400) logger.warn('action refused', { via, action: loggable(action ?? null), answer, payload: loggable(payload) });
  else logger.info('action answered', { via, action: action ?? null, answer });
}

export async function answerRecord(logger: Logger, record: SQSRecord, deps: RouterDeps): Promise<void> {
  let message: UnwrappedMessage;
  try {
    message = unwrapBody(record.body);
  } catch (error) {
    if (error instanceof ValidationError) {
      logAnswer(logger, { status: 400, message: error.message }, record.body, 'sqs');
      return;
    }
    throw error;
  }
  const result = await answer(message, record.messageId, deps);
  logAnswer(logger, result, message.payload, message.source ? 'eventbridge' : 'sqs');
}
