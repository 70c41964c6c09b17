// Retries an assertion until it passes or the deadline is reached (eventual consistency of queues,
// schedules and logs). Returns the assertion's value; on timeout rethrows its last error.
export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

export async function eventually<T>(assertion: () => T | Promise<T>, options: EventuallyOptions | number = {}): Promise<T> {
  const { timeoutMs = 15_000, intervalMs = 250 } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await assertion();
    } catch (error) {
      if (Date.now() + intervalMs > deadline) {
        const e = error as Error;
        e.message = `eventually: still failing after ${timeoutMs} ms: ${e.message}`;
        throw e;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
