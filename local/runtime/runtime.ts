// The local Lambda service: keeps the topology of every region in sync with the AWS APIs,
// runs functions in warm worker processes, polls event source mappings, fires scheduled rules
// and writes CloudWatch logs.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { CodeStore } from './code-store.js';
import { ALL_REGIONS, s3Client } from './clients.js';
import type { Clock } from './clock.js';
import { discoverFunctions, discoverRegion, discoverSchedules, type MappingConfig, type RegionTopology } from './discovery.js';
import { LogWriter } from './log-writer.js';
import { Scheduler } from './scheduler.js';
import { MappingPoller } from './sqs-poller.js';
import { functionNode, type FunctionNode } from './function-node.js';
import { FunctionPool, type FunctionConfig, type InvocationResult } from './worker-pool.js';
import { ThrottleSwitch, TooManyRequestsException } from './throttle.js';
import { NotFoundError } from '../../shared/errors.js';

export interface RuntimeOptions {
  stateDir: string;
  /** Regions polled every refresh; others are swept every `sweepIntervalMs` and join when used. */
  regions: string[];
  clock: Clock;
  /** Environment every function gets (endpoints, dummy credentials). */
  workerEnv: Record<string, string>;
  runtimeNodeModules: string;
  /** Node the functions run on (default: the declared runtime's from .tools/, else this process's). */
  functionNode?: FunctionNode;
  codeDirs: string[];
  maxWorkersPerFunction: number;
  refreshIntervalMs: number;
  sweepIntervalMs: number;
  log: (line: string) => void;
  /** Throttling switch (local/runtime/throttle.ts); none throttles nothing. */
  throttle?: ThrottleSwitch;
  /** Reads one region's topology (default: its AWS APIs, discovery.ts; tests pass their own). */
  discover?: (region: string, forceTargets: boolean) => Promise<RegionTopology>;
}

/** Delays before the two retries Lambda makes of a failed asynchronous invocation (1 and 2
 * minutes on AWS; shortened locally). */
export const ASYNC_RETRY_DELAYS_MS = [1000, 2000];
/** A throttled asynchronous invocation is queued again (Lambda keeps trying for up to 6 hours;
 * locally every second, up to this many times, then dropped with a log line). */
export const ASYNC_THROTTLE_RETRIES = 30;

export interface InvocationRecord {
  requestId: string;
  functionName: string;
  region: string;
  status: InvocationResult['status'];
  durationMs: number;
  atMs: number;
}

export function parseFunctionRef(ref: string, defaultRegion: string): { region: string; name: string; qualifier?: string } {
  const arn = /^arn:aws[\w-]*:lambda:([\w-]+):(\d{12}):function:([^:]+)(?::(.+))?$/.exec(ref);
  if (arn) return { region: arn[1]!, name: arn[3]!, qualifier: arn[4] };
  const partial = /^(\d{12}):function:([^:]+)(?::(.+))?$/.exec(ref);
  if (partial) return { region: defaultRegion, name: partial[2]!, qualifier: partial[3] };
  const [name, qualifier] = ref.split(':');
  return { region: defaultRegion, name: name!, qualifier };
}

export class LocalRuntime {
  readonly codeStore: CodeStore;
  readonly scheduler: Scheduler;
  readonly logs: LogWriter;
  readonly functions = new Map<string, FunctionConfig>();
  readonly mappings = new Map<string, MappingPoller>();
  readonly activeRegions: Set<string>;
  readonly recent: InvocationRecord[] = [];
  readonly throttle: ThrottleSwitch;
  private readonly pools = new Map<string, { key: string; pool: FunctionPool }>();
  private readonly refreshing = new Map<string, Promise<void>>();
  /** Per region, the pass that starts after the running one (shared by every caller meanwhile). */
  private readonly queuedRefresh = new Map<string, { promise: Promise<void>; full: boolean }>();
  private timers: NodeJS.Timeout[] = [];
  lastRefreshError?: string;
  lastRefreshMs?: number;

  readonly node: FunctionNode;

  constructor(private readonly options: RuntimeOptions) {
    this.node = options.functionNode ?? functionNode();
    this.codeStore = new CodeStore({
      root: path.join(options.stateDir, 'code'),
      runtimeNodeModules: options.runtimeNodeModules,
      s3: () => s3Client(options.regions[0]),
    });
    for (const dir of options.codeDirs) this.codeStore.registerDir(dir);
    this.logs = new LogWriter((error) => options.log(`cloudwatch logs: ${(error as Error).message}`));
    this.scheduler = new Scheduler(options.clock, (arn, payload) => this.invokeAsync(arn, payload), options.log);
    this.activeRegions = new Set(options.regions);
    this.throttle = options.throttle ?? new ThrottleSwitch();
  }

  get clock(): Clock {
    return this.options.clock;
  }

  async start(): Promise<void> {
    await Promise.all([...this.activeRegions].map((r) => this.refresh(r)));
    this.scheduler.start();
    const every = (ms: number, fn: () => Promise<void> | void) => {
      const t = setInterval(() => {
        Promise.resolve(fn()).catch((error: Error) => {
          this.lastRefreshError = `${error.name}: ${error.message}`;
        });
      }, ms);
      this.timers.push(t);
    };
    // The periodic pass only starts when none is running (a slow emulator is not queued up on).
    every(this.options.refreshIntervalMs, () =>
      Promise.all([...this.activeRegions].filter((r) => !this.refreshing.has(r)).map((r) => this.refresh(r))).then(() => undefined),
    );
    every(this.options.sweepIntervalMs, () => this.sweep());
    every(30_000, () => {
      for (const { pool } of this.pools.values()) pool.reap();
    });
    void this.sweep().catch(() => undefined);
  }

  async stop(): Promise<void> {
    for (const t of this.timers) clearInterval(t);
    this.scheduler.stop();
    await Promise.all([...this.mappings.values()].map((p) => p.stop()));
    for (const { pool } of this.pools.values()) pool.close();
    await this.logs.flush();
  }

  /** Finds regions with functions or scheduled rules that are not polled yet. */
  async sweep(): Promise<void> {
    for (const region of ALL_REGIONS) {
      if (this.activeRegions.has(region)) continue;
      const [functions, schedules] = await Promise.all([discoverFunctions(region), discoverSchedules(region)]);
      if (functions.length || schedules.length) {
        this.activeRegions.add(region);
        await this.refresh(region);
      }
    }
  }

  /** Re-reads one region's topology, resolving once a pass that started after this call has
   * applied it; `full` re-reads rule targets too. A pass already running may have read the APIs
   * before the caller's change (a CreateFunction or CreateEventSourceMapping just proxied), so
   * callers then share one pass queued behind it rather than that pass's stale result. */
  refresh(region: string, full = false): Promise<void> {
    this.activeRegions.add(region);
    const running = this.refreshing.get(region);
    if (!running) return this.startRefresh(region, full);
    const queued = this.queuedRefresh.get(region);
    if (queued) {
      queued.full ||= full;
      return queued.promise;
    }
    const entry = { full, promise: Promise.resolve() };
    entry.promise = running
      .catch(() => undefined)
      .then(() => {
        this.queuedRefresh.delete(region);
        // A pass started since the running one ended is fresh enough (unless targets are wanted).
        const since = this.refreshing.get(region);
        if (since && !entry.full) return since;
        return since ? since.catch(() => undefined).then(() => this.refresh(region, true)) : this.startRefresh(region, entry.full);
      });
    this.queuedRefresh.set(region, entry);
    return entry.promise;
  }

  private startRefresh(region: string, full: boolean): Promise<void> {
    const pass: Promise<void> = this.doRefresh(region, full).finally(() => {
      if (this.refreshing.get(region) === pass) this.refreshing.delete(region);
    });
    this.refreshing.set(region, pass);
    return pass;
  }

  private async doRefresh(region: string, full: boolean): Promise<void> {
    const topology = await (this.options.discover ?? discoverRegion)(region, full);
    this.lastRefreshMs = Date.now();
    this.lastRefreshError = undefined;
    const arns = new Set(topology.functions.map((f) => f.arn));
    for (const fn of topology.functions) this.functions.set(fn.arn, fn);
    for (const [arn, fn] of this.functions) {
      if (fn.region === region && !arns.has(arn)) {
        this.functions.delete(arn);
        this.pools.get(arn)?.pool.retire();
        this.pools.delete(arn);
      }
    }
    this.syncMappings(region, topology.mappings);
    this.scheduler.update(region, topology.schedules);
  }

  private syncMappings(region: string, mappings: MappingConfig[]): void {
    const wanted = new Map(mappings.filter((m) => m.enabled).map((m) => [m.uuid, m]));
    for (const [uuid, poller] of this.mappings) {
      if (poller.config.region !== region) continue;
      const next = wanted.get(uuid);
      if (!next || JSON.stringify(next) !== JSON.stringify(poller.config)) {
        void poller.stop();
        this.mappings.delete(uuid);
      }
    }
    for (const [uuid, config] of wanted) {
      if (this.mappings.has(uuid)) continue;
      const poller = new MappingPoller(config, (arn, event) => this.invokeArn(arn, event), this.options.log);
      this.mappings.set(uuid, poller);
      poller.start();
    }
  }

  /** The function for a name or ARN, refreshing its region once if it is not known yet. */
  async resolveFunction(ref: string, defaultRegion: string): Promise<FunctionConfig> {
    const { region, name } = parseFunctionRef(ref, defaultRegion);
    const find = () => [...this.functions.values()].find((f) => f.region === region && f.name === name);
    let fn = find();
    if (!fn) {
      await this.refresh(region);
      fn = find();
    }
    if (!fn) throw new NotFoundError(`Function not found: arn:aws:lambda:${region}:123456789012:function:${name}`);
    return fn;
  }

  private async poolFor(fn: FunctionConfig): Promise<FunctionPool> {
    const key = JSON.stringify([fn.codeSha256, fn.handler, fn.env, fn.timeoutS, fn.memoryMB, fn.lastModified]);
    const existing = this.pools.get(fn.arn);
    if (existing?.key === key) return existing.pool;
    const codeDir = await this.codeStore.resolve(fn.codeSha256);
    const again = this.pools.get(fn.arn);
    if (again?.key === key) return again.pool;
    again?.pool.retire();
    const pool = new FunctionPool(fn, {
      codeDir,
      baseEnv: this.options.workerEnv,
      maxConcurrency: this.options.maxWorkersPerFunction,
      idleTimeoutMs: 10 * 60_000,
      sink: (config, result) => this.record(config, result),
      execPath: this.node.execPath,
    });
    this.pools.set(fn.arn, { key, pool });
    return pool;
  }

  private record(fn: FunctionConfig, result: InvocationResult): void {
    void this.logs.write(fn, result);
    this.recent.push({
      requestId: result.requestId,
      functionName: fn.name,
      region: fn.region,
      status: result.status,
      durationMs: result.durationMs,
      atMs: Date.now(),
    });
    if (this.recent.length > 200) this.recent.shift();
    this.options.log(
      `${fn.name} ${result.requestId} ${result.status} ${result.durationMs.toFixed(1)} ms${result.initDurationMs !== undefined ? ` (cold, init ${result.initDurationMs.toFixed(1)} ms)` : ''}`,
    );
  }

  /** Throws TooManyRequestsException when the throttling switch throttles this invocation
   * (Invoke answers 429; a mapping leaves the batch in the queue). */
  async invoke(fn: FunctionConfig, event: unknown, requestId: string = randomUUID()): Promise<InvocationResult> {
    this.throttle.check(fn.name);
    const pool = await this.poolFor(fn);
    try {
      return await pool.invoke(event, requestId);
    } catch (error) {
      // The pool was retired between lookup and invoke (new code): use the new one.
      const fresh = await this.poolFor(this.functions.get(fn.arn) ?? fn);
      if (fresh === pool) throw error;
      return fresh.invoke(event, requestId);
    }
  }

  async invokeArn(ref: string, event: unknown): Promise<InvocationResult> {
    const fn = await this.resolveFunction(ref, this.options.regions[0]!);
    return this.invoke(fn, event);
  }

  /** `InvocationType: Event`: queued, retried twice on failure, result discarded. */
  invokeAsync(ref: string, payload: string, defaultRegion = this.options.regions[0]!): string {
    const requestId = randomUUID();
    const run = async () => {
      const fn = await this.resolveFunction(ref, defaultRegion);
      let event: unknown;
      try {
        event = JSON.parse(payload || '{}');
      } catch {
        event = payload;
      }
      for (let attempt = 0, throttles = 0; ; attempt++) {
        const result = await this.invoke(fn, event, attempt === 0 ? requestId : randomUUID()).catch((error: unknown) => {
          if (!(error instanceof TooManyRequestsException) || throttles++ >= ASYNC_THROTTLE_RETRIES) throw error;
          return undefined;
        });
        if (!result) {
          attempt--; // a throttle is not an attempt: the event waits in Lambda's queue
          await new Promise((resolve) => setTimeout(resolve, 1000));
          continue;
        }
        if (result.ok || attempt >= ASYNC_RETRY_DELAYS_MS.length) return;
        await new Promise((resolve) => setTimeout(resolve, ASYNC_RETRY_DELAYS_MS[attempt]));
      }
    };
    run().catch((error: Error) => this.options.log(`async invoke of ${ref}: ${error.name}: ${error.message}`));
    return requestId;
  }

  status(): Record<string, unknown> {
    return {
      regions: [...this.activeRegions],
      clock: { nowIso: new Date(this.clock.now()).toISOString(), speed: this.clock.speed },
      // What function code runs on (compared with the declared runtime by `caribou local status`).
      nodeVersion: this.node.version,
      nodeSource: this.node.source,
      lastRefreshError: this.lastRefreshError,
      functions: [...this.functions.values()].map((f) => {
        const pool = this.pools.get(f.arn)?.pool;
        return {
          name: f.name,
          region: f.region,
          arn: f.arn,
          codeSha256: f.codeSha256,
          warm: pool?.warm ?? 0,
          busy: pool?.busy ?? 0,
          invocations: pool?.invocations ?? 0,
          errors: pool?.errors ?? 0,
          coldStarts: pool?.coldStarts ?? 0,
        };
      }),
      mappings: [...this.mappings.values()].map((p) => ({ ...p.config, stats: p.stats })),
      schedules: this.scheduler.list().map((s) => ({
        rule: s.rule.name,
        region: s.rule.region,
        expression: s.rule.expression,
        enabled: s.rule.enabled,
        error: s.error,
        nextFireIso: s.nextFireMs === undefined ? undefined : new Date(s.nextFireMs).toISOString(),
        lastFiredIso: s.lastFiredMs === undefined ? undefined : new Date(s.lastFiredMs).toISOString(),
        fired: s.fired,
        lastError: s.lastError,
        targets: s.rule.targets.map((t) => t.arn),
      })),
    };
  }
}
