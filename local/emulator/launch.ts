// Starts the moto launcher (moto_launcher.py) as a detached process and waits until it answers.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pythonExecutable } from '../tools.js';
import { getJson, isAlive, startDetached, waitFor } from '../processes.js';

export const LAUNCHER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'moto_launcher.py');

export interface EmulatorInfo {
  instanceId: string;
  pid: number;
  motoVersion: string;
  patches: string[];
  jsonpathCache: { hits: number; misses: number } | null;
}

export interface LaunchedEmulator {
  pid: number;
  port: number;
  url: string;
  instanceId: string;
}

export async function emulatorInfo(url: string): Promise<EmulatorInfo | undefined> {
  return getJson<EmulatorInfo>(`${url}/_caribou/info`, 1500).catch(() => undefined);
}

/** `env`: extra variables for the launcher (e.g. CARIBOU_LOCAL_MOTO_PATCHES in the patch tests). */
export async function launchEmulator(options: {
  port: number;
  logFile: string;
  ownerPid?: number;
  runtimeUrl?: string;
  env?: NodeJS.ProcessEnv;
}): Promise<LaunchedEmulator> {
  const url = `http://127.0.0.1:${options.port}`;
  const args = [LAUNCHER, '--host', '127.0.0.1', '--port', String(options.port)];
  if (options.ownerPid) args.push('--owner-pid', String(options.ownerPid));
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, PYTHONUNBUFFERED: '1' };
  if (options.runtimeUrl) env.CARIBOU_LOCAL_RUNTIME_URL = options.runtimeUrl;
  const pid = startDetached(pythonExecutable(), args, { env, logFile: options.logFile });
  const ready = await waitFor(
    'the emulator',
    () => emulatorInfo(url),
    30_000,
    () => !isAlive(pid),
  ).catch((error: Error) => {
    throw new Error(`${error.message}; see ${options.logFile} (is port ${options.port} free? set CARIBOU_LOCAL_EMULATOR_PORT)`);
  });
  return { pid, port: options.port, url, instanceId: ready.instanceId };
}
