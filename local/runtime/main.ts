// Entry point of the local Lambda runtime process (started by `caribou local up` and the test
// harness). Configuration comes from the environment:
//   CARIBOU_LOCAL_EMULATOR_URL   the emulator (also the runtime's own AWS_ENDPOINT_URL)
//   CARIBOU_LOCAL_RUNTIME_PORT   port of the Invoke API (0 = any free port)
//   CARIBOU_LOCAL_STATE_DIR      where code is extracted and the ready file written
//   CARIBOU_LOCAL_REGIONS        regions polled from the start (comma-separated; first = default)
//   CARIBOU_LOCAL_CODE_DIRS      folders whose zips are deployment packages (path-separated)
//   CARIBOU_LOCAL_CLOCK_SPEED    virtual seconds per real second for schedules (default 1)
//   CARIBOU_LOCAL_CLOCK_START    ISO time the schedule clock starts at (default now)
//   CARIBOU_LOCAL_OWNER_PID      exit when this process is gone (test runs)
//   CARIBOU_LOCAL_MAX_WORKERS    execution environments per function (default 4)
//   CARIBOU_LOCAL_REMOVE_STATE_ON_EXIT=1  delete the state folder when the owner is gone
//   CARIBOU_LOCAL_THROTTLE       throttling switch at start, e.g. {"fn": {"rate": 0.2}} (throttle.ts)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from '../../shared/config/control-plane.js';
import { Clock } from './clock.js';
import { LocalRuntime } from './runtime.js';
import { startServer } from './server.js';
import { ThrottleSwitch } from './throttle.js';

const env = process.env;
const emulatorUrl = env.CARIBOU_LOCAL_EMULATOR_URL ?? 'http://127.0.0.1:4566';
const stateDir = path.resolve(env.CARIBOU_LOCAL_STATE_DIR ?? '.local');
const regions = (env.CARIBOU_LOCAL_REGIONS ?? env.AWS_REGION ?? 'us-east-1').split(',').filter(Boolean);
const log = (line: string) => process.stdout.write(`${new Date().toISOString()} ${line}\n`);

process.env.AWS_ENDPOINT_URL = emulatorUrl;
delete process.env.AWS_ENDPOINT_URL_LAMBDA; // the runtime's own Lambda calls go to the emulator
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';

mkdirSync(stateDir, { recursive: true });
const clock = new Clock(
  Number(env.CARIBOU_LOCAL_CLOCK_SPEED ?? '1'),
  env.CARIBOU_LOCAL_CLOCK_START ? Date.parse(env.CARIBOU_LOCAL_CLOCK_START) : undefined,
);
const port = Number(env.CARIBOU_LOCAL_RUNTIME_PORT ?? '4567');
const workerEnv: Record<string, string> = {
  AWS_ENDPOINT_URL: emulatorUrl,
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
};
const runtime = new LocalRuntime({
  stateDir,
  regions,
  clock,
  workerEnv,
  runtimeNodeModules: path.join(REPO_ROOT, 'node_modules'),
  codeDirs: (env.CARIBOU_LOCAL_CODE_DIRS ?? '').split(path.delimiter).filter(Boolean),
  maxWorkersPerFunction: Number(env.CARIBOU_LOCAL_MAX_WORKERS ?? '4'),
  refreshIntervalMs: 2000,
  sweepIntervalMs: 60_000,
  log,
  throttle: ThrottleSwitch.fromEnv(env),
});
const server = await startServer({ runtime, emulatorUrl, defaultRegion: regions[0]!, host: '127.0.0.1', port, log });
const address = server.address();
const actualPort = typeof address === 'object' && address ? address.port : port;
// Functions call back into the runtime for Lambda APIs (the migrator creating functions).
workerEnv.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${actualPort}`;
await runtime.start();
writeFileSync(
  path.join(stateDir, 'runtime.ready.json'),
  JSON.stringify({ pid: process.pid, port: actualPort, url: `http://127.0.0.1:${actualPort}` }),
);
log(
  `functions run on Node ${runtime.node.version} (${runtime.node.source === 'tools' ? runtime.node.execPath : "the machine's node: `make function-node` installs the declared runtime's"})`,
);
log(`ready: ${runtime.functions.size} functions, ${runtime.mappings.size} mappings in ${[...runtime.activeRegions].join(', ')}`);

const shutdown = async (ownerGone = false) => {
  server.close();
  await runtime.stop().catch(() => undefined);
  // Test runs: the folder of a run whose runner is gone is of no use to anyone.
  if (ownerGone && env.CARIBOU_LOCAL_REMOVE_STATE_ON_EXIT === '1') rmSync(stateDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void shutdown());
process.on('SIGINT', () => void shutdown());
const owner = Number(env.CARIBOU_LOCAL_OWNER_PID ?? '0');
if (owner) {
  setInterval(() => {
    try {
      process.kill(owner, 0);
    } catch {
      void shutdown(true);
    }
  }, 1000).unref();
}
