import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from '../../shared/errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** util.parseArgs with usage errors turned into UsageError (exit 2) and `--help` always accepted. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = true) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } } as O & { help: { type: 'boolean'; short: 'h' } },
      allowPositionals,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}
