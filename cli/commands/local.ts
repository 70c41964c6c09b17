// `caribou local up|down|status|logs|env`: the whole control plane on this machine (moto emulator,
// the stack applied with terraform, the local Lambda runtime). See docs/local-mode.md.
import path from 'node:path';
import type { Command, CliIO } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { globals } from '../lib/globals.js';
import { Progress, progressPrinter } from '../lib/progress.js';
import { DEFAULT_STATE_DIR, down, localEnv, readState, up, type LocalModeState } from '../../local/mode.js';
import { localStatus, readLogs } from '../../local/inspect.js';
import { runCarbonLoop } from '../lib/loop/driver.js';
import { loopSummary } from '../lib/loop/summary.js';

const HELP = `Usage: caribou local <up|down|status|logs|env> [options]

Runs the whole control plane on this machine: the moto emulator on loopback, the control-plane
stack applied to it with terraform, and the local Lambda runtime. See docs/local-mode.md.

  up [--no-stack] [--demo] [--region R] [--clock-speed N] [--clock-start ISO]
        start (or find running) emulator and runtime in the background, apply the stack, print
        the endpoints. --demo then runs the carbon loop (\`make local\`): deploys a demo workflow,
        runs it, lets the daily schedules fire on the runtime's clock (log sync, collectors,
        deployment manager, migrator), runs it again in its new regions and writes its report.
  demo [--runs N]
        the carbon loop alone, on a running local mode
  down                    stop local mode (its state is in memory and is lost)
  status [--json]         emulator, runtime, functions, mappings, queue and DLQ depths, schedules
  logs <function> [--follow] [--since <minutes>]
                          the function's CloudWatch Logs (/aws/lambda/<function>)
  env                     export lines (eval "$(caribou local env)") for any SDK or tool

Options: --state-dir <dir> (default .local/ or CARIBOU_LOCAL_STATE_DIR). Global options: --region R
(local mode's region, default us-east-1), --output text|table (progress as a step list; the default
on a terminal) or json (quiet, one JSON object at the end; the default when stdout is not a terminal).
Ports: CARIBOU_LOCAL_EMULATOR_PORT (4566), CARIBOU_LOCAL_RUNTIME_PORT (4567).`;

function stateDirOf(value: unknown): string {
  return path.resolve((value as string | undefined) ?? process.env.CARIBOU_LOCAL_STATE_DIR ?? DEFAULT_STATE_DIR);
}

function requireState(stateDir: string): LocalModeState {
  const state = readState(stateDir);
  if (!state) throw new Error(`local mode is not running (no ${path.join(stateDir, 'state.json')}); start it with \`caribou local up\``);
  return state;
}

function printEndpoints(state: LocalModeState, io: CliIO): void {
  io.out(`emulator (every AWS API):   ${state.emulator.url}`);
  io.out(`Lambda runtime (Lambda API): ${state.runtime.url}`);
  io.out(`region ${state.region}, prefix ${state.prefix}, state in ${state.stateDir}`);
}

/** The global --output (table counts as text); without it: text on a terminal, JSON otherwise. */
function outputMode(): 'text' | 'json' {
  if (globals.output === undefined) return process.stdout.isTTY ? 'text' : 'json';
  return globals.output === 'json' ? 'json' : 'text';
}

/** The carbon loop on a running local mode; exit 1 when a step's effect did not appear. */
async function carbonLoop(state: LocalModeState, io: CliIO, output: 'text' | 'json', runs?: number): Promise<number> {
  if (output === 'text') io.out('\nThe carbon loop (docs/local-mode.md "make local"):');
  const result = await runCarbonLoop({ state, print: output === 'text' ? io.out : undefined, runs });
  if (output === 'json') io.out(JSON.stringify(result, null, 2));
  else for (const line of loopSummary(result)) (result.ok ? io.out : io.err)(line);
  return result.ok ? 0 : 1;
}

async function runUp(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(
    argv,
    {
      'no-stack': { type: 'boolean' },
      demo: { type: 'boolean' },
      'clock-speed': { type: 'string' },
      'clock-start': { type: 'string' },
      'state-dir': { type: 'string' },
    },
    false,
  );
  const clockSpeed = values['clock-speed'] === undefined ? undefined : Number(values['clock-speed']);
  if (clockSpeed !== undefined && !(clockSpeed > 0))
    throw new UsageError(`--clock-speed must be a positive number, got "${values['clock-speed']}"`);
  const clockStart = values['clock-start'];
  if (clockStart !== undefined && Number.isNaN(Date.parse(clockStart)))
    throw new UsageError(`--clock-start must be an ISO time, got "${clockStart}"`);
  if (values.demo && values['no-stack']) throw new UsageError('--demo needs the stack; drop --no-stack');
  const output = outputMode();
  // Start-up steps with elapsed time on a terminal (stderr); the endpoints (or JSON) on stdout.
  const progress = new Progress(output === 'json' ? undefined : progressPrinter());
  const state = await progress.step('local mode up', 'local mode', async () => {
    const value = await up({
      stateDir: stateDirOf(values['state-dir']),
      region: globals.region,
      withStack: !values['no-stack'],
      clockSpeed,
      clockStartIso: clockStart,
      log: (line) => progress.line(line),
    });
    return { value, detail: `region ${value.region}, prefix ${value.prefix}` };
  });
  if (output === 'json' && !values.demo)
    io.out(
      JSON.stringify({
        emulator: state.emulator.url,
        runtime: state.runtime.url,
        region: state.region,
        prefix: state.prefix,
        stateDir: state.stateDir,
        upS: progress.steps[0]!.durationS,
      }),
    );
  else if (output === 'text') printEndpoints(state, io);
  return values.demo ? carbonLoop(state, io, output) : 0;
}

async function runStatus(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { json: { type: 'boolean' }, 'state-dir': { type: 'string' } }, false);
  const state = requireState(stateDirOf(values['state-dir']));
  const status = await localStatus(state);
  if (values.json) {
    io.out(JSON.stringify(status, null, 2));
    return status.healthy ? 0 : 1;
  }
  io.out(`local mode: ${status.healthy ? 'healthy' : 'NOT healthy'}`);
  io.out(
    status.node.matches
      ? `node     ${status.node.local} (functions declare ${status.node.declared})`
      : `node     WARNING: ${status.node.warning}`,
  );
  io.out(
    `emulator ${status.emulator.up ? 'up' : 'DOWN'}  ${status.emulator.url}  moto ${status.emulator.motoVersion ?? '?'}  patches: ${(status.emulator.patches ?? []).join(', ')}`,
  );
  const rt = status.runtime.status;
  io.out(
    `runtime  ${status.runtime.up ? 'up' : 'DOWN'}  ${status.runtime.url}${rt ? `  regions: ${rt.regions.join(', ')}  clock: ${rt.clock.nowIso} ×${rt.clock.speed}` : ''}`,
  );
  if (rt?.lastRefreshError) io.out(`  last discovery error: ${rt.lastRefreshError}`);
  io.out(
    status.stack ? `stack    applied ${status.stack.appliedAt} (${status.stack.applySeconds} s)` : 'stack    not applied (--no-stack)',
  );
  if (rt) {
    io.out(`functions (${rt.functions.length}):`);
    for (const f of rt.functions)
      io.out(
        `  ${f.name.padEnd(40)} ${f.region}  warm ${f.warm} busy ${f.busy}  invocations ${f.invocations} errors ${f.errors} cold starts ${f.coldStarts}`,
      );
    io.out(`event source mappings (${rt.mappings.length}):`);
    for (const m of rt.mappings) {
      io.out(
        `  ${m.queueArn.split(':').pop()!.padEnd(40)} → ${m.functionArn.split(':').pop()}  batch ${m.batchSize}/${m.batchingWindowS}s max ${m.maxConcurrency ?? '-'}  received ${m.stats.received} deleted ${m.stats.deleted} failed ${m.stats.failed}${m.stats.lastError ? `  last error: ${m.stats.lastError}` : ''}`,
      );
    }
    io.out(`schedules (${rt.schedules.length}):`);
    for (const s of rt.schedules)
      io.out(
        `  ${s.rule.padEnd(40)} ${s.expression.padEnd(20)} ${s.enabled ? 'next ' + (s.nextFireIso ?? '-') : 'DISABLED'}  fired ${s.fired}${s.error ? `  error: ${s.error}` : ''}`,
      );
  }
  io.out(`queues (${status.queues.length}):`);
  for (const q of status.queues)
    io.out(
      `  ${q.name.padEnd(40)} ${q.region}  visible ${q.visible} in flight ${q.inFlight}${q.isDlq && q.visible + q.inFlight > 0 ? '  ← messages in a DLQ' : ''}`,
    );
  return status.healthy ? 0 : 1;
}

async function runLogs(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    follow: { type: 'boolean', short: 'f' },
    since: { type: 'string' },
    'state-dir': { type: 'string' },
  });
  if (positionals.length !== 1) throw new UsageError('name one function, e.g. `caribou local logs caribou-action-router`');
  const state = requireState(stateDirOf(values['state-dir']));
  const sinceMin = values.since === undefined ? undefined : Number(values.since);
  if (sinceMin !== undefined && !(sinceMin > 0)) throw new UsageError(`--since takes minutes (a positive number), got "${values.since}"`);
  let start = sinceMin === undefined ? undefined : Date.now() - sinceMin * 60_000;
  const seen = new Set<string>();
  for (;;) {
    const lines = await readLogs(state, positionals[0]!, { startTime: start });
    for (const l of lines) {
      const key = `${l.stream}:${l.timestamp}:${l.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      io.out(`${new Date(l.timestamp).toISOString()} ${l.message}`);
    }
    if (!values.follow) {
      if (lines.length === 0) io.err(`no log events in /aws/lambda/${positionals[0]} (yet)`);
      return 0;
    }
    start = lines.length ? lines[lines.length - 1]!.timestamp : start;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export const localCommand: Command = {
  name: 'local',
  summary: 'Run the whole system on this machine: up, down, status, logs, env, demo (the carbon loop; no AWS account needed).',
  help: HELP,
  async run(argv, io) {
    const [sub, ...rest] = argv;
    switch (sub) {
      case 'up':
        return runUp(rest, io);
      case 'down': {
        const { values } = parseCommandArgs(rest, { 'state-dir': { type: 'string' } }, false);
        const state = await down(stateDirOf(values['state-dir']));
        io.out(
          state
            ? `local mode stopped (emulator pid ${state.emulator.pid}, runtime pid ${state.runtime.pid})`
            : 'local mode was not running',
        );
        return 0;
      }
      case 'status':
        return runStatus(rest, io);
      case 'demo': {
        const { values } = parseCommandArgs(rest, { runs: { type: 'string' }, 'state-dir': { type: 'string' } }, false);
        const runs = values.runs === undefined ? undefined : Number(values.runs);
        if (runs !== undefined && !(Number.isInteger(runs) && runs > 0))
          throw new UsageError(`--runs must be a positive integer, got "${values.runs}"`);
        return carbonLoop(requireState(stateDirOf(values['state-dir'])), io, outputMode(), runs);
      }
      case 'logs':
        return runLogs(rest, io);
      case 'env': {
        const { values } = parseCommandArgs(rest, { 'state-dir': { type: 'string' } }, false);
        const state = requireState(stateDirOf(values['state-dir']));
        for (const [k, v] of Object.entries(localEnv(state))) io.out(`export ${k}=${v}`);
        return 0;
      }
      default:
        throw new UsageError(
          sub
            ? `unknown sub-command "${sub}"; expected up, down, status, logs or env`
            : 'expected a sub-command: up, down, status, logs or env',
        );
    }
  },
};
