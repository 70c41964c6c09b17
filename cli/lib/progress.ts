// Progress of a long operation as a person sees it: a step list with elapsed time ("[0:07] ✓ bundle
// (2.1 s): 2 functions"), or nothing at all for a machine. Long commands (deploy, remove, solve,
// local up, the actions) print it on stderr, and only when stderr is a terminal and the output is
// not JSON, so stdout keeps just the result. The carbon loop (cli/lib/loop) builds on the same class.
import { jsonOutput } from './globals.js';

export interface StepRecord {
  step: string;
  /** Who produces the step's effect (a control-plane service, the CLI, the runtime). */
  service: string;
  ok: boolean;
  /** Seconds since the operation started, at the end of the step. */
  elapsedS: number;
  durationS: number;
  detail: string;
}

export interface ProgressOptions {
  /** Turns a failed step's error into the error `step` throws (default: rethrown as is). */
  wrapError?: (step: string, service: string, error: unknown) => unknown;
}

const round = (x: number) => Number(x.toFixed(1));

export class Progress {
  readonly steps: StepRecord[] = [];
  private readonly startedMs = Date.now();

  constructor(
    private readonly print?: (line: string) => void,
    private readonly options: ProgressOptions = {},
  ) {}

  elapsedS(): number {
    return (Date.now() - this.startedMs) / 1000;
  }

  private stamp(): string {
    const s = Math.floor(this.elapsedS());
    return `[${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}]`;
  }

  /** A line under the current step. */
  note(line: string): void {
    this.print?.(`         ${line}`);
  }

  /** A line with the elapsed time, for operations that report their own sub-steps. */
  line(text: string): void {
    this.print?.(`${this.stamp()}   ${text}`);
  }

  async step<T>(step: string, service: string, run: () => Promise<{ value: T; detail: string }>): Promise<T> {
    const started = Date.now();
    this.print?.(`${this.stamp()} … ${step}`);
    try {
      const { value, detail } = await run();
      const record = { step, service, ok: true, elapsedS: round(this.elapsedS()), durationS: round((Date.now() - started) / 1000), detail };
      this.steps.push(record);
      this.print?.(`${this.stamp()} ✓ ${step} (${record.durationS.toFixed(1)} s)${detail ? `: ${detail}` : ''}`);
      return value;
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.steps.push({
        step,
        service,
        ok: false,
        elapsedS: round(this.elapsedS()),
        durationS: round((Date.now() - started) / 1000),
        detail: message,
      });
      this.print?.(`${this.stamp()} ✗ ${step} (${((Date.now() - started) / 1000).toFixed(1)} s): ${message.split('\n')[0]}`);
      throw this.options.wrapError ? this.options.wrapError(step, service, error) : error;
    }
  }
}

/** Where a command's progress goes: stderr when it is a terminal and the output is not JSON; else nowhere. */
export function progressPrinter(
  stream: { isTTY?: boolean; write(s: string): unknown } = process.stderr,
): ((line: string) => void) | undefined {
  return stream.isTTY && !jsonOutput() ? (line) => void stream.write(`${line}\n`) : undefined;
}

/** A Progress for a long command (see progressPrinter). */
export const commandProgress = (): Progress => new Progress(progressPrinter());
