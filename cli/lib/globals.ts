// Global options every `caribou` command accepts, anywhere on the line (as the AWS CLI does):
// --profile, --region, --output json|table|text (--json = --output json), --debug, --version.
// cli/main.ts takes them out of argv before the command parses the rest, and sets the SDK's own
// environment (AWS_PROFILE, AWS_REGION) before any client is built (clients are built lazily).
import { UsageError } from '../../shared/errors.js';

export const OUTPUT_MODES = ['json', 'table', 'text'] as const;
export type OutputMode = (typeof OUTPUT_MODES)[number];

export interface GlobalOptions {
  profile?: string;
  region?: string;
  /** Undefined when not given: each command picks its default (text, or json when not a terminal for `local`). */
  output?: OutputMode;
  debug: boolean;
  version: boolean;
}

/** The options of this process's command line (set once by cli/main.ts; read by commands). */
export const globals: GlobalOptions = { debug: false, version: false };

export const GLOBAL_HELP = [
  'Global options (any command, anywhere on the line):',
  '  --profile <name>          AWS profile (sets AWS_PROFILE for the SDK)',
  '  --region <code>           AWS region, e.g. eu-north-1 (sets AWS_REGION)',
  '  --output json|table|text  json: one JSON document on stdout, no progress; table: that document drawn as tables; text: for people',
  '  --json                    same as --output json',
  '  --debug                   on error: stack trace, causes and the AWS SDK request details',
  '  --version                 print the version and exit',
  '  -h, --help                help of the command (`caribou help <command>` too)',
].join('\n');

const VALUED = new Set(['--profile', '--region', '--output']);

/** Splits argv into global options and the rest (the command and its own arguments). `--` ends option scanning. */
export function extractGlobalOptions(argv: string[]): { options: GlobalOptions; rest: string[] } {
  const options: GlobalOptions = { debug: false, version: false };
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      rest.push(...argv.slice(i));
      break;
    }
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (VALUED.has(flag)) {
      const value = eq > 0 && flag !== arg ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '' || (flag === arg && value.startsWith('--'))) {
        throw new UsageError(
          `${flag} expects a value, e.g. ${flag === '--output' ? '--output json' : flag === '--region' ? '--region eu-north-1' : '--profile default'}`,
        );
      }
      if (flag === '--profile') options.profile = value;
      else if (flag === '--region') options.region = value;
      else options.output = parseOutputMode(value);
    } else if (arg === '--json') options.output = 'json';
    else if (arg === '--debug') options.debug = true;
    else if (arg === '--version') options.version = true;
    else rest.push(arg);
  }
  return { options, rest };
}

export function parseOutputMode(value: string): OutputMode {
  if (!(OUTPUT_MODES as readonly string[]).includes(value)) throw new UsageError(`--output: expected json, table or text, got "${value}"`);
  return value as OutputMode;
}

/** Region codes look like `eu-north-1` / `us-gov-west-1`; anything else is a usage error before any AWS call. */
const REGION_SHAPE = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Makes the options visible to the SDK (its standard env vars) and to the commands. */
export function applyGlobalOptions(options: GlobalOptions, env: NodeJS.ProcessEnv = process.env): void {
  if (options.region !== undefined) {
    if (!REGION_SHAPE.test(options.region))
      throw new UsageError(`--region: expected an AWS region code such as eu-north-1, got "${options.region}"`);
    env.AWS_REGION = options.region;
  }
  if (options.profile !== undefined) env.AWS_PROFILE = options.profile;
  if (options.debug) env.CARIBOU_DEBUG = '1';
  for (const key of Object.keys(globals) as (keyof GlobalOptions)[]) delete globals[key];
  Object.assign(globals, { debug: false, version: false }, options);
}

/** True when the command should print JSON instead of text (`--output json` or `--json`). */
export const jsonOutput = (): boolean => globals.output === 'json';
