// Local mode's throttling switch: makes a chosen function's invocations fail the way Lambda
// throttles them (TooManyRequestsException, HTTP 429), for a share of invocations or for the next
// N, so retries and redelivery can be exercised (bench/reliability, tests). It exists only in the
// local runtime; production code cannot reach it. Set at start with CARIBOU_LOCAL_THROTTLE or at
// any time through `POST /_local/throttle`:
//   {"<function name or *>": {"rate": 0.2}}   a random 20% of its invocations are throttled
//   {"<function name or *>": {"calls": 3}}    its next 3 invocations are throttled
// A function's own rule wins over "*"; `{}` clears every rule.
import { CaribouError, ValidationError } from '../../shared/errors.js';

/** Lambda's throttling error; `name` is the error code the SDK sees. */
export class TooManyRequestsException extends CaribouError {
  /** Lambda's reason for a concurrency throttle. */
  readonly reason = 'ReservedFunctionConcurrentInvocationLimitExceeded';
}

export interface ThrottleRule {
  /** Share of invocations throttled, 0..1. */
  rate?: number;
  /** Throttle this many next invocations (counts down). */
  calls?: number;
}

export interface ThrottleStatus {
  rules: Record<string, ThrottleRule>;
  /** Invocations throttled so far, per function name. */
  throttled: Record<string, number>;
}

export const THROTTLE_ENV = 'CARIBOU_LOCAL_THROTTLE';

/** Validates rules from JSON text or a parsed object; errors name the function and field. */
export function parseThrottleRules(input: unknown, source = 'throttle rules'): Record<string, ThrottleRule> {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = input.trim() === '' ? {} : JSON.parse(input);
    } catch (error) {
      throw new ValidationError(`${source}: not JSON (${(error as Error).message})`, { cause: error });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(`${source}: expected an object of {"<function or *>": {"rate": 0..1} | {"calls": n}}`);
  }
  const rules: Record<string, ThrottleRule> = {};
  for (const [fn, raw] of Object.entries(value)) {
    const rule = raw as ThrottleRule;
    if (
      typeof rule !== 'object' ||
      rule === null ||
      Object.keys(rule).some((k) => k !== 'rate' && k !== 'calls') ||
      (rule.rate === undefined) === (rule.calls === undefined)
    ) {
      throw new ValidationError(`${source}: "${fn}" must be {"rate": 0..1} or {"calls": n}`);
    }
    if (rule.rate !== undefined && !(typeof rule.rate === 'number' && rule.rate >= 0 && rule.rate <= 1)) {
      throw new ValidationError(`${source}: "${fn}".rate must be a number from 0 to 1`);
    }
    if (rule.calls !== undefined && !(Number.isInteger(rule.calls) && rule.calls >= 0)) {
      throw new ValidationError(`${source}: "${fn}".calls must be a whole number >= 0`);
    }
    rules[fn] = rule.rate !== undefined ? { rate: rule.rate } : { calls: rule.calls };
  }
  return rules;
}

export class ThrottleSwitch {
  private rules: Record<string, ThrottleRule> = {};
  private readonly throttled: Record<string, number> = {};

  constructor(
    rules: Record<string, ThrottleRule> = {},
    private readonly random: () => number = Math.random,
  ) {
    this.set(rules);
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ThrottleSwitch {
    return new ThrottleSwitch(parseThrottleRules(env[THROTTLE_ENV] ?? '', THROTTLE_ENV));
  }

  /** Replaces every rule. */
  set(rules: Record<string, ThrottleRule>): void {
    this.rules = Object.fromEntries(Object.entries(rules).map(([fn, rule]) => [fn, { ...rule }]));
  }

  /** Throws TooManyRequestsException when this invocation of `functionName` is throttled. */
  check(functionName: string): void {
    const key = functionName in this.rules ? functionName : '*';
    const rule = this.rules[key];
    if (!rule) return;
    let throttle = false;
    if (rule.calls !== undefined && rule.calls > 0) {
      rule.calls -= 1;
      throttle = true;
    } else if (rule.rate !== undefined) {
      throttle = this.random() < rule.rate;
    }
    if (!throttle) return;
    this.throttled[functionName] = (this.throttled[functionName] ?? 0) + 1;
    throw new TooManyRequestsException('Rate Exceeded.');
  }

  status(): ThrottleStatus {
    return { rules: structuredClone(this.rules), throttled: { ...this.throttled } };
  }
}
