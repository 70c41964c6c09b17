// Entry point of the `caribou` command. bin/caribou.js runs its prebuilt bundle (dist/cli/, built by
// scripts/build-cli.ts) or, when that is missing or stale, this file through tsx.
import { commands } from './commands/index.js';
import type { CliIO } from './lib/command.js';
import { UsageError } from '../shared/errors.js';

const io: CliIO = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return [
    'Usage: caribou <command> [options]',
    '',
    'Commands:',
    ...[...commands].sort((a, b) => a.name.localeCompare(b.name)).map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `caribou <command> --help` for the options of a command.',
    'Exit codes: 0 ok, 1 failure, 2 usage error.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(topHelp());
    return name ? 0 : 2;
  }
  const entry = commands.find((c) => c.name === name);
  if (!entry) {
    io.err(`caribou: unknown command "${name}". Expected one of: ${commands.map((c) => c.name).join(', ')}.`);
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(command.help);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`caribou ${name}: ${error.message}`);
      io.err(`Run \`caribou ${name} --help\` for usage.`);
      return 2;
    }
    io.err(`caribou ${name}: ${(error as Error).message ?? String(error)}`);
    if (process.env.CARIBOU_DEBUG) io.err((error as Error).stack ?? '');
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
