// `caribou --help`: the command list, with the actions whose control-plane service is not built in
// this version marked (their action answers 501 until the service's issue is done).
import { GLOBAL_HELP } from './globals.js';

export interface HelpEntry {
  name: string;
  summary: string;
  /** The control-plane service that does the work of this action, if any. */
  service?: string;
}

export type ServiceStatus = (service: string) => 'available' | 'planned' | undefined;

export function formatTopHelp(entries: readonly HelpEntry[], status: ServiceStatus): string {
  const width = Math.max(...entries.map((c) => c.name.length), 8);
  const line = (c: HelpEntry) => {
    const planned = c.service !== undefined && status(c.service) !== 'available';
    return `  ${c.name.padEnd(width)}  ${c.summary}${planned ? ` [not available in this build: service ${c.service} is planned]` : ''}`;
  };
  return [
    'Usage: caribou <command> [options]',
    '',
    'Commands:',
    ...[...entries].sort((a, b) => a.name.localeCompare(b.name)).map(line),
    '',
    GLOBAL_HELP,
    '',
    'Run `caribou help <command>` or `caribou <command> --help` for the options of a command.',
    'Exit codes: 0 ok, 1 failure (the operation or an AWS call failed), 2 usage error (bad arguments; nothing was done).',
  ].join('\n');
}
