// The `caribou` command's dispatcher (cli/main.ts runs it on process.argv; tests call it in-process):
// global options, help, the command, and the exit code — 0 ok, 1 failure (the operation or an AWS
// call failed), 2 usage error (bad arguments; nothing was done).
import { commands } from './commands/index.js';
import type { CliIO } from './lib/command.js';
import { applyGlobalOptions, extractGlobalOptions, globals, jsonOutput } from './lib/globals.js';
import { formatTopHelp } from './lib/help.js';
import { tableFromOutput } from './lib/table.js';
import { explainAwsSetupError, causeChain, sdkDetails } from './lib/aws-errors.js';
import { UsageError } from '../shared/errors.js';
import { CARIBOU_VERSION } from '../shared/version.js';

export const stdio: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

export async function topHelp(): Promise<string> {
  // Loaded only for help: the manifest says which services this build has.
  const { SERVICES } = await import('../shared/manifest/services.js');
  return formatTopHelp(commands, (id) => SERVICES.find((s) => s.id === id)?.status);
}

function usage(io: CliIO, prefix: string, message: string, helpOf?: string): number {
  io.err(`${prefix}: ${message}`);
  io.err(helpOf ? `Run \`caribou ${helpOf} --help\` for usage.` : 'Run `caribou --help` for the commands.');
  return 2;
}

function reportFailure(io: CliIO, name: string, error: unknown, env: NodeJS.ProcessEnv): void {
  const explained = explainAwsSetupError(error, env);
  io.err(`caribou ${name}: ${explained ?? (error as Error)?.message ?? String(error)}`);
  if (!globals.debug && !env.CARIBOU_DEBUG) return;
  causeChain(error).forEach((e, i) => io.err(`${i === 0 ? '' : 'caused by: '}${(e as Error)?.stack ?? String(e)}`));
  for (const line of sdkDetails(error)) io.err(line);
}

/** Runs one command line; `env` receives the global options' SDK variables (AWS_REGION, AWS_PROFILE). */
export async function main(argv: string[], io: CliIO = stdio, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let rest: string[];
  try {
    const parsed = extractGlobalOptions(argv);
    applyGlobalOptions(parsed.options, env);
    rest = parsed.rest;
  } catch (error) {
    if (error instanceof UsageError) return usage(io, 'caribou', error.message);
    throw error;
  }
  if (globals.version) {
    if (globals.output === 'table') for (const line of tableFromOutput([JSON.stringify({ version: CARIBOU_VERSION })])) io.out(line);
    else io.out(jsonOutput() ? JSON.stringify({ version: CARIBOU_VERSION }) : CARIBOU_VERSION);
    return 0;
  }
  const [name, ...args] = rest;
  if (!name) {
    io.err(await topHelp());
    return 2;
  }
  if (name === '--help' || name === '-h') {
    io.out(await topHelp());
    return 0;
  }
  const helpOnly = name === 'help';
  const commandName = helpOnly ? args[0] : name;
  if (helpOnly && !commandName) {
    io.out(await topHelp());
    return 0;
  }
  const entry = commands.find((c) => c.name === commandName);
  if (!entry) {
    return usage(io, 'caribou', `unknown command "${commandName}". Expected one of: ${commands.map((c) => c.name).join(', ')}.`);
  }
  const command = await entry.load();
  if (helpOnly || args.includes('--help') || args.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  // --output table: the command prints its JSON document, drawn as a table here (as the AWS CLI does).
  const table = globals.output === 'table';
  if (table) globals.output = 'json';
  const captured: string[] = [];
  const commandIo: CliIO = table ? { ...io, out: (line) => captured.push(line) } : io;
  try {
    const status = await command.run(args, commandIo);
    if (table) for (const line of tableFromOutput(captured)) io.out(line);
    return status;
  } catch (error) {
    if (table) for (const line of captured) io.out(line);
    if (error instanceof UsageError) return usage(io, `caribou ${entry.name}`, error.message, entry.name);
    reportFailure(io, entry.name, error, env);
    return 1;
  }
}
