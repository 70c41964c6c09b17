import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../shared/errors.js';
import { jsonOutput } from './globals.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** `--limit -5`: a negative number after a valued option is its value (util.parseArgs would call it ambiguous). */
function joinNegativeValues(argv: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    const name = arg.startsWith('--')
      ? arg.slice(2)
      : Object.keys(options).find((k) => options[k]!.short && `-${options[k]!.short}` === arg);
    if (name && options[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      out.push(`--${name}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** What util.parseArgs said, as one line that names what was expected. */
function usageMessage(error: Error, options: Options): string {
  const code = (error as { code?: string }).code;
  const first = error.message.split('\n')[0]!;
  const known = Object.entries(options)
    .map(([k, o]) => `--${k}${o.type === 'string' ? ' <value>' : ''}`)
    .join(', ');
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${first.replace(/\. To specify a positional.*$/, '')}; expected one of: ${known}`;
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
    return first.replace(/^Option '(.+?)' argument missing$/, "option '$1' expects a value");
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return `${first}; this command takes options only (${known})`;
  return first;
}

/**
 * util.parseArgs with usage errors turned into UsageError (exit 2) and `--help` always accepted.
 * `--json` / `--output json` (global options, cli/lib/globals.ts) set `values.json`.
 */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  const all = { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } };
  let parsed;
  try {
    parsed = parseArgs({ args: joinNegativeValues(argv, all), options: all, allowPositionals, strict: true });
  } catch (error) {
    throw new UsageError(usageMessage(error as Error, all), { cause: error });
  }
  if (jsonOutput() && 'json' in options) (parsed.values as Record<string, unknown>).json = true;
  return parsed;
}
