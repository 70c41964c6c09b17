// Execution environments of one function version: child processes with the function's own
// environment, kept warm and reused, one invocation at a time each (as Lambda does), killed when
// an invocation exceeds the function's timeout.
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const BOOTSTRAP = path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-bootstrap.mjs');

export interface FunctionConfig {
  name: string;
  arn: string;
  region: string;
  accountId: string;
  handler: string;
  runtime: string;
  timeoutS: number;
  memoryMB: number;
  env: Record<string, string>;
  codeSha256: string;
  lastModified: string;
}

export interface InvocationResult {
  requestId: string;
  ok: boolean;
  payload?: unknown;
  error?: { errorType: string; errorMessage: string; trace?: string[] };
  /** 'timeout' and 'crash' are failures of the environment, not of the handler's code. */
  status: 'success' | 'error' | 'timeout' | 'crash';
  durationMs: number;
  billedDurationMs: number;
  maxMemoryUsedMB: number;
  initDurationMs?: number;
  logLines: string[];
  logStream: string;
}

export interface InvocationSink {
  /** Called once per invocation with its log lines (START … REPORT) and result. */
  (fn: FunctionConfig, result: InvocationResult): void;
}

interface Worker {
  child: ChildProcess;
  logStream: string;
  busy: boolean;
  lastUsedMs: number;
  /** Set while an invocation runs. */
  onMessage?: (message: WorkerMessage) => void;
  onExit?: (code: number | null, signal: NodeJS.Signals | null) => void;
}

type WorkerMessage =
  | { type: 'spawned' }
  | { type: 'log'; text: string }
  | { type: 'crash'; error: InvocationResult['error'] }
  | {
      type: 'result';
      requestId: string;
      ok: boolean;
      payload?: unknown;
      error?: InvocationResult['error'];
      initDurationMs?: number;
      maxRssKiB: number;
    };

export interface PoolOptions {
  codeDir: string;
  /** Environment every worker gets besides the function's own (endpoints, credentials). */
  baseEnv: Record<string, string>;
  maxConcurrency: number;
  idleTimeoutMs: number;
  sink: InvocationSink;
  /** Node executable of the workers (function-node.ts); default: this process's. */
  execPath?: string;
}

function logStreamName(): string {
  const d = new Date();
  const date = `${d.getUTCFullYear()}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${String(d.getUTCDate()).padStart(2, '0')}`;
  return `${date}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

export class FunctionPool {
  private readonly workers = new Set<Worker>();
  private readonly waiters: Array<(worker: Worker) => void> = [];
  private closed = false;
  invocations = 0;
  errors = 0;
  coldStarts = 0;

  constructor(
    readonly config: FunctionConfig,
    private readonly options: PoolOptions,
  ) {}

  get warm(): number {
    return [...this.workers].filter((w) => !w.busy).length;
  }

  get busy(): number {
    return [...this.workers].filter((w) => w.busy).length;
  }

  private spawn(): Worker {
    const c = this.config;
    const logStream = logStreamName();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      ...this.options.baseEnv,
      AWS_REGION: c.region,
      AWS_DEFAULT_REGION: c.region,
      AWS_EXECUTION_ENV: `AWS_Lambda_${c.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: c.name,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(c.memoryMB),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${c.name}`,
      AWS_LAMBDA_LOG_STREAM_NAME: logStream,
      AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
      LAMBDA_TASK_ROOT: this.options.codeDir,
      LAMBDA_RUNTIME_DIR: path.dirname(BOOTSTRAP),
      _HANDLER: c.handler,
      ...c.env,
    };
    const child = fork(BOOTSTRAP, [], {
      ...(this.options.execPath ? { execPath: this.options.execPath } : {}),
      cwd: this.options.codeDir,
      env,
      execArgv: [],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const worker: Worker = { child, logStream, busy: false, lastUsedMs: Date.now() };
    // Output written below the JS layer (native code) still belongs to the current invocation.
    const raw = (chunk: Buffer) => worker.onMessage?.({ type: 'log', text: chunk.toString('utf8') });
    child.stdout?.on('data', raw);
    child.stderr?.on('data', raw);
    child.on('message', (message) => worker.onMessage?.(message as WorkerMessage));
    // A send to an environment that just died (killed on timeout, crashed) fails asynchronously:
    // end it, so the invocation is answered as a crash by the exit handler instead of the
    // unhandled 'error' event taking the whole runtime down.
    child.on('error', () => child.kill('SIGKILL'));
    child.on('exit', (code, signal) => {
      this.workers.delete(worker);
      worker.onExit?.(code, signal);
    });
    this.workers.add(worker);
    this.coldStarts++;
    return worker;
  }

  private acquire(): Promise<Worker> {
    const idle = [...this.workers].find((w) => !w.busy && w.child.exitCode === null && !w.child.killed);
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.workers.size < this.options.maxConcurrency) {
      const worker = this.spawn();
      worker.busy = true;
      return Promise.resolve(worker);
    }
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(worker: Worker): void {
    worker.busy = false;
    worker.lastUsedMs = Date.now();
    worker.onMessage = undefined;
    worker.onExit = undefined;
    const alive = worker.child.exitCode === null && worker.child.signalCode === null && !worker.child.killed && this.workers.has(worker);
    // Invocations already queued finish even on a retired pool; then its environments go.
    const next = this.waiters.shift();
    if (!next) {
      if (this.closed) worker.child.kill('SIGKILL');
      return;
    }
    if (alive) {
      worker.busy = true;
      next(worker);
    } else {
      const fresh = this.spawn();
      fresh.busy = true;
      next(fresh);
    }
  }

  async invoke(event: unknown, requestId: string = randomUUID()): Promise<InvocationResult> {
    if (this.closed) throw new Error(`function ${this.config.name}: its environments were retired`);
    const worker = await this.acquire();
    const c = this.config;
    const started = performance.now();
    const deadlineMs = Date.now() + c.timeoutS * 1000;
    const lines: string[] = [`START RequestId: ${requestId} Version: $LATEST`];
    let partial = '';
    const pushText = (text: string) => {
      const parts = (partial + text).split('\n');
      partial = parts.pop() ?? '';
      for (const part of parts) if (part !== '') lines.push(part);
    };
    this.invocations++;
    const outcome = await new Promise<Omit<InvocationResult, 'durationMs' | 'billedDurationMs' | 'logLines' | 'logStream' | 'requestId'>>(
      (resolve) => {
        const timer = setTimeout(
          () => {
            worker.child.kill('SIGKILL');
            const seconds = c.timeoutS.toFixed(2);
            lines.push(`${new Date().toISOString()} ${requestId} Task timed out after ${seconds} seconds`);
            resolve({
              ok: false,
              status: 'timeout',
              error: {
                errorType: 'Sandbox.Timedout',
                errorMessage: `RequestId: ${requestId} Error: Task timed out after ${seconds} seconds`,
              },
              maxMemoryUsedMB: 0,
            });
          },
          Math.max(1, deadlineMs - Date.now()),
        );
        worker.onMessage = (message) => {
          if (message.type === 'log') pushText(message.text);
          else if (message.type === 'result' && message.requestId === requestId) {
            clearTimeout(timer);
            resolve({
              ok: message.ok,
              status: message.ok ? 'success' : 'error',
              payload: message.payload,
              error: message.error,
              initDurationMs: message.initDurationMs,
              maxMemoryUsedMB: Math.ceil(message.maxRssKiB / 1024),
            });
          }
        };
        worker.onExit = (code, signal) => {
          clearTimeout(timer);
          lines.push(`RequestId: ${requestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`);
          resolve({
            ok: false,
            status: 'crash',
            error: {
              errorType: 'Runtime.ExitError',
              errorMessage: `RequestId: ${requestId} Error: Runtime exited with error: ${signal ?? `exit status ${code}`}`,
            },
            maxMemoryUsedMB: 0,
          });
        };
        worker.child.send({
          type: 'invoke',
          requestId,
          event,
          deadlineMs,
          context: {
            functionName: c.name,
            functionVersion: '$LATEST',
            invokedFunctionArn: c.arn,
            memoryLimitInMB: String(c.memoryMB),
            logGroupName: `/aws/lambda/${c.name}`,
            logStreamName: worker.logStream,
          },
        });
      },
    );
    if (partial) lines.push(partial);
    const durationMs = performance.now() - started - (outcome.initDurationMs ?? 0);
    const billedDurationMs = Math.max(1, Math.ceil(durationMs + (outcome.initDurationMs ?? 0)));
    lines.push(`END RequestId: ${requestId}`);
    const report = [
      `REPORT RequestId: ${requestId}`,
      `Duration: ${durationMs.toFixed(2)} ms`,
      `Billed Duration: ${billedDurationMs} ms`,
      `Memory Size: ${c.memoryMB} MB`,
      `Max Memory Used: ${outcome.maxMemoryUsedMB} MB`,
    ];
    if (outcome.initDurationMs !== undefined) report.push(`Init Duration: ${outcome.initDurationMs.toFixed(2)} ms`);
    if (outcome.status === 'timeout') report.push('Status: timeout');
    if (outcome.status === 'crash') report.push('Status: error\tError Type: Runtime.ExitError');
    lines.push(report.join('\t') + '\t');
    if (!outcome.ok) this.errors++;
    const result: InvocationResult = { requestId, ...outcome, durationMs, billedDurationMs, logLines: lines, logStream: worker.logStream };
    this.release(worker);
    this.options.sink(c, result);
    return result;
  }

  /** Stops idle workers unused for longer than the idle timeout (Lambda reclaims them too). */
  reap(nowMs = Date.now()): void {
    for (const w of this.workers) {
      if (!w.busy && nowMs - w.lastUsedMs > this.options.idleTimeoutMs) w.child.kill('SIGKILL');
    }
  }

  /** Stops the environments: idle ones now, busy ones when their invocation ends. */
  retire(): void {
    this.closed = true;
    for (const w of this.workers) if (!w.busy) w.child.kill('SIGKILL');
  }

  close(): void {
    this.closed = true;
    for (const w of this.workers) w.child.kill('SIGKILL');
    this.workers.clear();
  }
}
