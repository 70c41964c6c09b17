// The carbon loop's steps as a person sees them (a step list with elapsed time) or as a machine
// reads them (one record per step, printed once at the end). A step that fails names the effect
// that did not appear and the service responsible for it.
import { CaribouError } from '../../../shared/errors.js';

export interface StepRecord {
  step: string;
  /** Who produces the step's effect (a control-plane service, the CLI, the runtime). */
  service: string;
  ok: boolean;
  /** Seconds since the loop started, at the end of the step. */
  elapsedS: number;
  durationS: number;
  detail: string;
}

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

export class Progress {
  readonly steps: StepRecord[] = [];
  private readonly startedMs = Date.now();

  constructor(private readonly print?: (line: string) => void) {}

  elapsedS(): number {
    return (Date.now() - this.startedMs) / 1000;
  }

  private stamp(): string {
    const s = this.elapsedS();
    return `[${String(Math.floor(s / 60)).padStart(1, '0')}:${(s % 60).toFixed(0).padStart(2, '0')}]`;
  }

  /** A line under the current step (text mode only). */
  note(line: string): void {
    this.print?.(`         ${line}`);
  }

  async step<T>(step: string, service: string, run: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const started = Date.now();
    this.print?.(`${this.stamp()} … ${step}`);
    try {
      const { value, detail } = await run();
      const record = { step, service, ok: true, elapsedS: round(this.elapsedS()), durationS: round((Date.now() - started) / 1000), detail };
      this.steps.push(record);
      this.print?.(`${this.stamp()} ✓ ${step} (${record.durationS.toFixed(1)} s): ${detail}`);
      return value;
    } catch (error) {
      const message = (error as Error).message;
      this.steps.push({ step, service, ok: false, elapsedS: round(this.elapsedS()), durationS: round((Date.now() - started) / 1000), detail: message });
      this.print?.(`${this.stamp()} ✗ ${step} (${((Date.now() - started) / 1000).toFixed(1)} s): ${message}`);
      throw error instanceof LoopStepError ? error : new LoopStepError(step, service, message, { cause: error });
    }
  }
}

const round = (x: number) => Number(x.toFixed(1));

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
      throw new LoopStepError(options.step, options.service, `${options.effect} did not appear within ${options.timeoutS} s; responsible: ${options.service} (last seen: ${why})`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs ?? 1000));
  }
}
