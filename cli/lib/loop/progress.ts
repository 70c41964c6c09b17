// The carbon loop's steps as a person sees them (a step list with elapsed time) or as a machine
// reads them (one record per step, printed once at the end). A step that fails names the effect
// that did not appear and the service responsible for it.
import { CaribouError } from '../../../shared/errors.js';
import { Progress as StepProgress, type StepRecord } from '../progress.js';

export type { StepRecord };

/** A step's effect did not appear in time; the message names the effect and the service. */
export class LoopStepError extends CaribouError {
  constructor(
    readonly step: string,
    readonly service: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** cli/lib/progress.ts's step list, whose failed steps become LoopStepErrors naming the service. */
export class Progress extends StepProgress {
  constructor(print?: (line: string) => void) {
    super(print, {
      wrapError: (step, service, error) =>
        error instanceof LoopStepError ? error : new LoopStepError(step, service, (error as Error).message, { cause: error }),
    });
  }
}

export interface Probe<T> {
  /** The value once the effect is there; otherwise undefined and `why` says what is seen so far. */
  (): Promise<{ value?: T; why: string }>;
}

/**
 * Polls `probe` until the effect is there. On timeout: a LoopStepError naming the effect, the
 * service responsible and what was seen last. `fail` may end the wait early with a known cause
 * (e.g. the router answered 501 because the service is not built).
 */
export async function waitForEffect<T>(
  options: { step: string; service: string; effect: string; timeoutS: number; pollMs?: number; fail?: () => Promise<string | undefined> },
  probe: Probe<T>,
): Promise<T> {
  const deadline = Date.now() + options.timeoutS * 1000;
  let why = 'not checked yet';
  for (;;) {
    try {
      const seen = await probe();
      if (seen.value !== undefined) return seen.value;
      why = seen.why;
    } catch (error) {
      why = `reading it failed: ${(error as Error).message}`;
    }
    const cause = await options.fail?.().catch(() => undefined);
    if (cause) throw new LoopStepError(options.step, options.service, `${options.effect} — not produced: ${cause}`);
    if (Date.now() > deadline) {
      throw new LoopStepError(
        options.step,
        options.service,
        `${options.effect} did not appear within ${options.timeoutS} s; responsible: ${options.service} (last seen: ${why})`,
      );
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
