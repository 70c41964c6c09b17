// Local mode's lifecycle: the emulator (moto through our launcher) and the local Lambda runtime as
// detached processes, the stack applied with terraform, and a state file (`<stateDir>/state.json`)
// through which `caribou local …` commands and test files find a running system again.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { checkMoto, checkTerraform } from './tools.js';
import { emulatorInfo, launchEmulator } from './emulator/launch.js';
import { freePort, getJson, isAlive, startDetached, stopGroup, waitFor } from './processes.js';
import { applyStack, stackAssetsDir, type StackRecord } from './stack.js';

import { DEFAULT_PREFIX, REPO_ROOT } from '../shared/config/control-plane.js';

export { DEFAULT_PREFIX, REPO_ROOT };
export const DEFAULT_STATE_DIR = path.join(REPO_ROOT, '.local');
export const DEFAULT_EMULATOR_PORT = 4566;
export const DEFAULT_RUNTIME_PORT = 4567;
export const DEFAULT_REGION = 'us-east-1';

export interface UpOptions {
  stateDir?: string;
  /** 0 picks a free ephemeral port. */
  emulatorPort?: number;
  runtimePort?: number;
  region?: string;
  prefix?: string;
  withStack?: boolean;
  /** Processes exit when this pid is gone (test runs). */
  ownerPid?: number;
  /** With ownerPid: delete the state folder when the owner is gone (test runs). */
  removeStateOnExit?: boolean;
  clockSpeed?: number;
  clockStartIso?: string;
  log?: (line: string) => void;
}

export interface LocalModeState {
  version: 1;
  stateDir: string;
  region: string;
  prefix: string;
  ownerPid?: number;
  emulator: { pid: number; port: number; url: string; instanceId: string };
  runtime: { pid: number; port: number; url: string };
  stack?: StackRecord;
  startedAt: string;
}

const statePath = (stateDir: string) => path.join(stateDir, 'state.json');

export function readState(stateDir = DEFAULT_STATE_DIR): LocalModeState | undefined {
  try {
    return JSON.parse(readFileSync(statePath(stateDir), 'utf8')) as LocalModeState;
  } catch {
    return undefined;
  }
}

function writeState(state: LocalModeState): void {
  writeFileSync(statePath(state.stateDir), JSON.stringify(state, null, 2));
}

export { emulatorInfo };

export async function runtimeHealthy(url: string): Promise<{ pid: number } | undefined> {
  return getJson<{ ok: boolean; pid: number }>(`${url}/_local/health`, 1500).catch(() => undefined);
}

/** Environment that points any SDK or tool at local mode. */
export function localEnv(state: LocalModeState): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ENDPOINT_URL: state.emulator.url,
    AWS_ENDPOINT_URL_LAMBDA: state.runtime.url,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: state.region,
    AWS_DEFAULT_REGION: state.region,
  };
  if (state.stack) env.CARIBOU_PREFIX = state.prefix;
  return env;
}

async function withLock<T>(stateDir: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(stateDir, '.lock');
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      const holder = Number(readFileSync(path.join(lock, 'pid'), { encoding: 'utf8', flag: 'a+' }) || '0');
      if (holder && !isAlive(holder)) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`local mode in ${stateDir} is locked by pid ${holder}`);
      else await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function portFrom(option: number | undefined, envName: string, fallback: number): number {
  if (option !== undefined) return option;
  const raw = process.env[envName];
  if (raw === undefined || raw === '') return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new RangeError(`${envName} must be a port number (0-65535), got "${raw}"`);
  return port;
}

/** Starts (or finds running) emulator + runtime, applies the stack if asked; idempotent. */
export async function up(options: UpOptions = {}): Promise<LocalModeState> {
  const stateDir = path.resolve(options.stateDir ?? process.env.CARIBOU_LOCAL_STATE_DIR ?? DEFAULT_STATE_DIR);
  const log = options.log ?? (() => undefined);
  checkMoto();
  if (options.withStack) checkTerraform();
  mkdirSync(stateDir, { recursive: true });
  return withLock(stateDir, async () => {
    const previous = readState(stateDir);
    const region = options.region ?? previous?.region ?? process.env.CARIBOU_LOCAL_REGION ?? DEFAULT_REGION;
    const prefix = options.prefix ?? previous?.prefix ?? process.env.CARIBOU_PREFIX ?? DEFAULT_PREFIX;

    let emulator = previous?.emulator;
    const info = emulator ? await emulatorInfo(emulator.url) : undefined;
    let runtime = previous?.runtime;
    if (!emulator || !info || info.instanceId !== emulator.instanceId) {
      await stopGroup(previous?.runtime.pid);
      runtime = undefined;
      const port = portFrom(options.emulatorPort, 'CARIBOU_LOCAL_EMULATOR_PORT', DEFAULT_EMULATOR_PORT) || (await freePort());
      const runtimePort = portFrom(options.runtimePort, 'CARIBOU_LOCAL_RUNTIME_PORT', DEFAULT_RUNTIME_PORT) || (await freePort());
      log(`starting the emulator (moto) on http://127.0.0.1:${port}`);
      emulator = await launchEmulator({
        port,
        logFile: path.join(stateDir, 'emulator.log'),
        ownerPid: options.ownerPid,
        runtimeUrl: `http://127.0.0.1:${runtimePort}`,
      });
      runtime = { pid: 0, port: runtimePort, url: `http://127.0.0.1:${runtimePort}` };
    }

    const runtimeUp = runtime?.pid ? await runtimeHealthy(runtime.url) : undefined;
    if (!runtime || !runtimeUp || runtimeUp.pid !== runtime.pid) {
      const port =
        runtime?.port ?? (portFrom(options.runtimePort, 'CARIBOU_LOCAL_RUNTIME_PORT', DEFAULT_RUNTIME_PORT) || (await freePort()));
      const url = `http://127.0.0.1:${port}`;
      log(`starting the local Lambda runtime on ${url}`);
      rmSync(path.join(stateDir, 'runtime.ready.json'), { force: true });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        CARIBOU_LOCAL_EMULATOR_URL: emulator.url,
        CARIBOU_LOCAL_RUNTIME_PORT: String(port),
        CARIBOU_LOCAL_STATE_DIR: stateDir,
        CARIBOU_LOCAL_REGIONS: region,
        CARIBOU_LOCAL_CODE_DIRS: stackAssetsDir(stateDir, prefix),
      };
      if (options.ownerPid) {
        env.CARIBOU_LOCAL_OWNER_PID = String(options.ownerPid);
        env.CARIBOU_LOCAL_REMOVE_STATE_ON_EXIT = options.removeStateOnExit ? '1' : '0';
      }
      if (options.clockSpeed) env.CARIBOU_LOCAL_CLOCK_SPEED = String(options.clockSpeed);
      if (options.clockStartIso) env.CARIBOU_LOCAL_CLOCK_START = options.clockStartIso;
      const pid = startDetached(process.execPath, ['--import', 'tsx', path.join(REPO_ROOT, 'local', 'runtime', 'main.ts')], {
        env,
        cwd: REPO_ROOT,
        logFile: path.join(stateDir, 'runtime.log'),
      });
      await waitFor(
        'the local Lambda runtime',
        async () => (existsSync(path.join(stateDir, 'runtime.ready.json')) ? runtimeHealthy(url) : undefined),
        30_000,
        () => !isAlive(pid),
      ).catch((error: Error) => {
        throw new Error(
          `${error.message}; see ${path.join(stateDir, 'runtime.log')} (is port ${port} free? set CARIBOU_LOCAL_RUNTIME_PORT)`,
        );
      });
      runtime = { pid, port, url };
    }

    const state: LocalModeState = {
      version: 1,
      stateDir,
      region,
      prefix,
      ownerPid: options.ownerPid,
      emulator,
      runtime,
      stack: previous?.stack?.emulatorInstanceId === emulator.instanceId ? previous.stack : undefined,
      startedAt: previous?.emulator.instanceId === emulator.instanceId ? previous.startedAt : new Date().toISOString(),
    };
    writeState(state);
    if (options.withStack) {
      state.stack = await applyStack({
        stateDir,
        prefix,
        region,
        emulatorUrl: emulator.url,
        emulatorInstanceId: emulator.instanceId,
        previous: previous?.stack,
        log,
      });
      writeState(state);
      // Pick up the stack's functions, mappings and schedules now rather than at the next refresh.
      await fetch(`${runtime.url}/_local/refresh`, { method: 'POST' }).catch(() => undefined);
    }
    return state;
  });
}

/** Stops the processes of the local mode in `stateDir` and forgets its state (incl. terraform's). */
export async function down(stateDir = DEFAULT_STATE_DIR): Promise<LocalModeState | undefined> {
  const state = readState(stateDir);
  if (!state) return undefined;
  await stopGroup(state.runtime.pid);
  await stopGroup(state.emulator.pid);
  rmSync(statePath(stateDir), { force: true });
  rmSync(path.join(stateDir, 'terraform', 'terraform.tfstate'), { force: true });
  rmSync(path.join(stateDir, 'terraform', 'terraform.tfstate.backup'), { force: true });
  rmSync(path.join(stateDir, 'terraform', 'applied.json'), { force: true });
  return state;
}
