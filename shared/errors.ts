// Named error classes. Every error carries an optional `cause` so the chain survives logging.

export class CaribouError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Input that can never succeed as given (answered with 400 / exit 2; never retried). */
export class ValidationError extends CaribouError {}

/** A failure that may succeed when retried (throttling, timeouts, an unavailable dependency). */
export class TransientError extends CaribouError {}

/** A requested thing does not exist (a workflow id, a function). */
export class NotFoundError extends CaribouError {}

/** A feature whose owning service is not built yet (answered with 501, never a fake success). */
export class NotImplementedYetError extends CaribouError {}

/** A guard refused to emit or process an event (hop limit, disallowed source). */
export class LoopGuardError extends CaribouError {}

/** Command-line usage error (exit code 2). */
export class UsageError extends CaribouError {}

/** A labourer finished a task but could not report its outcome (the delivery is left to SQS). */
export class UnreportedTaskError extends CaribouError {}
