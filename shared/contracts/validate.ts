// Turns an unknown JSON value into a typed action, or a ValidationError whose message names the
// field and what was expected (the 400 answer's text).
import type { z } from 'zod';
import { ValidationError } from '../errors.js';
import {
  ACTION_NAMES,
  INTERNAL_EVENT_SCHEMAS,
  jsonDepthExceeds,
  PUBLIC_ACTION_SCHEMAS,
  RUN_ARGUMENT_MAX_DEPTH,
  type ActionName,
  type AnyAction,
  type InternalActionType,
  type InternalEventOf,
} from './actions.js';

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${String(value)}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** "field `a.b`: expected X, got Y; field `c`: ..." */
export function formatIssues(issues: readonly z.core.$ZodIssue[], input: unknown, prefix: string[] = []): string {
  return issues
    .flatMap((issue) => {
      if (issue.code === 'unrecognized_keys') {
        // Unknown keys are refused (never silently dropped): name each one.
        return issue.keys.map(
          (key) =>
            `field "${[...prefix, ...issue.path.map(String), key].join('.')}": unexpected field, not part of this ${prefix.length || issue.path.length ? 'object' : 'action'}`,
        );
      }
      const path = [...prefix, ...issue.path.map(String)];
      const field = path.length ? `field "${path.join('.')}"` : 'the event';
      const got = valueAt(input, issue.path);
      const missing = got === undefined && issue.code !== 'custom';
      const showGot = !missing && !(issue.code === 'custom' && got === undefined);
      return `${field}: ${missing ? 'is required; ' : ''}${issue.message}${showGot ? `, got ${describe(got)}` : ''}`;
    })
    .join('; ');
}

function parseWith<S extends z.ZodType>(schema: S, input: unknown, prefix: string[] = []): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ValidationError(formatIssues(result.error.issues, input, prefix));
  return result.data;
}

export function parseAction(input: unknown): AnyAction {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new ValidationError(`the event must be a JSON object with an "action" field, got ${describe(input)}`);
  }
  const action = (input as Record<string, unknown>).action;
  if (action === undefined) {
    throw new ValidationError(`field "action": is required; expected one of ${ACTION_NAMES.map((a) => `"${a}"`).join(', ')}`);
  }
  if (typeof action !== 'string' || !(ACTION_NAMES as string[]).includes(action)) {
    throw new ValidationError(
      `field "action": unknown action ${describe(action)}; expected one of ${ACTION_NAMES.map((a) => `"${a}"`).join(', ')}`,
    );
  }
  const parsed = parseWith(PUBLIC_ACTION_SCHEMAS[action as ActionName], input) as AnyAction;
  if (parsed.action === 'internal_action') parseInternalEvent(parsed.type, parsed.event);
  return parsed;
}

export function parseInternalEvent<T extends InternalActionType>(type: T, event: unknown): InternalEventOf<T> {
  return parseWith(INTERNAL_EVENT_SCHEMAS[type], event, ['event']) as InternalEventOf<T>;
}

/** Largest part of a refused payload written to a log line. */
const LOG_PREVIEW_CHARS = 2_000;

/**
 * A refused payload as a log line can hold it: loggers serialize recursively, so a hostile, deeply
 * nested value would overflow the stack and turn a 400 into a retried failure. Deep or large values
 * become a short preview.
 */
export function loggable(value: unknown): unknown {
  if (jsonDepthExceeds(value, RUN_ARGUMENT_MAX_DEPTH + 4)) return { unloggable: `nested deeper than ${RUN_ARGUMENT_MAX_DEPTH + 4} levels` };
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length <= LOG_PREVIEW_CHARS ? value : { preview: `${text.slice(0, LOG_PREVIEW_CHARS)}...`, chars: text.length };
}
