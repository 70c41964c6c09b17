// What an SQS message body holds in this system: either the action JSON itself (schedules, direct
// sends) or an EventBridge event whose `detail` is the action (rules targeting a queue).
import type { SQSEvent } from 'aws-lambda';
import { ValidationError } from '../errors.js';

/** A Lambda event from an SQS event source mapping: a non-empty batch of `aws:sqs` records. */
export function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as SQSEvent | undefined)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => r?.eventSource === 'aws:sqs');
}

export interface UnwrappedMessage {
  /** The action / internal event JSON. */
  payload: unknown;
  /** EventBridge `source` when the body was an EventBridge event. */
  source?: string;
  detailType?: string;
  /** EventBridge event id, when present: a stable id for the delivery's root action. */
  eventId?: string;
}

export function isEventBridgeEvent(value: unknown): value is { source: string; 'detail-type': string; detail: unknown; id?: string } {
  return typeof value === 'object' && value !== null && 'detail-type' in value && 'detail' in value && 'source' in value;
}

export function unwrapBody(body: string): UnwrappedMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ValidationError(`message body is not JSON (expected an action object or an EventBridge event): ${(error as Error).message}`, {
      cause: error,
    });
  }
  return unwrapEvent(parsed);
}

export function unwrapEvent(parsed: unknown): UnwrappedMessage {
  if (isEventBridgeEvent(parsed)) {
    return { payload: parsed.detail, source: parsed.source, detailType: parsed['detail-type'], eventId: parsed.id };
  }
  return { payload: parsed };
}
