// Builds a `caribou <action>` command whose payload is a seed action. Without -r it runs the router
// core in-process; with -r it goes through the deployed control plane (bus, or --invoke).
import type { ParseArgsConfig } from 'node:util';
import { UsageError, ValidationError } from '../../shared/errors.js';
import type { Answer } from '../../services/action-router/core.js';
import { parseCommandArgs } from './args.js';
import type { CliIO, Command } from './command.js';
import { commandProgress } from './progress.js';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

export interface ActionCommandSpec {
  name: string;
  summary: string;
  /** Usage line after `caribou <name>`. */
  usage?: string;
  details?: string;
  options?: Options;
  payload(values: Values, positionals: string[]): Record<string, unknown>;
  /** Human rendering of a 2xx answer (default: its message or the JSON). */
  render?(answer: Answer): string[];
  /** Runs without any AWS call when not remote (e.g. version). */
  offline?(payload: Record<string, unknown>): Answer;
}

const COMMON_HELP = [
  '  -r, --remote   send the action to the deployed control plane (EventBridge PutEvents to the bus)',
  '      --invoke   with -r: invoke the router Lambda directly and print its answer',
  '      --json     print the answer as JSON (= --output json)',
  '  -h, --help     this help',
  '',
  'Global options: --profile, --region, --output json|table|text, --debug (caribou --help).',
  'Environment: CARIBOU_PREFIX (stack prefix, default "caribou"), AWS_REGION, AWS_ENDPOINT_URL (local mode: eval "$(caribou local env)").',
].join('\n');

export function actionCommand(spec: ActionCommandSpec): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    help: [
      `Usage: caribou ${spec.name} ${spec.usage ?? ''}[-r [--invoke]] [--json]`,
      '',
      spec.summary,
      spec.details ?? '',
      '',
      'Options:',
      COMMON_HELP,
    ]
      .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
      .join('\n'),
    async run(argv: string[], io: CliIO): Promise<number> {
      const { values, positionals } = parseCommandArgs(argv, {
        ...spec.options,
        remote: { type: 'boolean', short: 'r' },
        invoke: { type: 'boolean' },
        json: { type: 'boolean' },
      });
      if (values.invoke && !values.remote) throw new UsageError('--invoke goes with -r/--remote');
      const payload = spec.payload(values as Values, positionals);
      // Validated where it goes to a router; an offline answer (version) needs no zod at start-up.
      try {
        if (values.remote || !spec.offline) (await import('../../shared/contracts/validate.js')).parseAction(payload);
      } catch (error) {
        if (error instanceof ValidationError) throw new UsageError(error.message, { cause: error });
        throw error;
      }
      // Loaded on use: the AWS SDK clients and the router core stay out of `caribou version`.
      if (values.remote) return (await import('./remote.js')).runRemote(payload, Boolean(values.invoke), io);
      if (spec.offline) return print(spec, spec.offline(payload), Boolean(values.json), io);
      // On a terminal: the step with its elapsed time (stderr); the answer on stdout.
      const answer = await commandProgress().step(`${spec.name}: route the action`, 'action router (in-process)', async () => {
        const value = await (await import('./local-router.js')).routeLocally(payload);
        return { value, detail: `status ${value.status}` };
      });
      return print(spec, answer, Boolean(values.json), io);
    },
  };
}

function print(spec: ActionCommandSpec, answer: Answer, json: boolean, io: CliIO): number {
  if (json) io.out(JSON.stringify(answer));
  else if (answer.status < 400)
    for (const line of spec.render?.(answer) ?? [String(answer.message ?? JSON.stringify(answer))]) io.out(line);
  else io.err(`${answer.status}: ${String(answer.message)}`);
  return answer.status < 400 ? 0 : 1;
}

export function noPositionals(name: string, positionals: string[]): void {
  if (positionals.length) throw new UsageError(`caribou ${name} takes no arguments, got "${positionals.join(' ')}"`);
}
