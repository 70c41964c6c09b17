// Retries with exponential backoff and full jitter, for HTTP 429/5xx, timeouts and transient
// errors, bounded by the task's time budget (never sleeps past the deadline).
import { CaribouError, TransientError } from '../../../shared/errors.js';
import type { Clock } from './ports.js';

/** A non-2xx HTTP answer. */
export class HttpStatusError extends CaribouError {
  constructor(
    readonly status: number,
    readonly url: string,
    body?: string,
  ) {
    super(`HTTP ${status} from ${url}${body ? `: ${body.slice(0, 200)}` : ''}`);
  }
}

/** Budget ran out before the operation succeeded. */
export class DeadlineExceededError extends CaribouError {}

export function isRetryable(error: unknown): boolean {
  if (error instanceof HttpStatusError) return error.status === 429 || error.status >= 500;
  if (error instanceof TransientError) return true;
  const name = (error as Error | undefined)?.name ?? '';
  return name === 'TimeoutError' || name === 'AbortError' || name === 'ThrottlingException' || name === 'ServiceUnavailableException';
}

export interface RetryOptions {
  clock: Clock;
  /** Epoch ms after which no new attempt starts. */
  deadlineMs: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
}

export async function withRetry<T>(what: string, op: () => Promise<T>, options: RetryOptions): Promise<T> {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 8_000;
  const maxAttempts = options.maxAttempts ?? 6;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await op();
    } catch (error) {
      if (!isRetryable(error) || attempt >= maxAttempts) throw error;
      const delay = options.clock.random() * Math.min(cap, base * 2 ** (attempt - 1));
      if (options.clock.nowMs() + delay >= options.deadlineMs) {
        throw new DeadlineExceededError(`${what}: out of time after ${attempt} attempt(s): ${(error as Error).message}`, { cause: error });
      }
      await options.clock.sleep(delay);
    }
  }
}
