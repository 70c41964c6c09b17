// `-a/--argument` of `caribou run`: the workflow's input as JSON, given inline, from a file
// (`-a @input.json`) or from stdin (`-a -`). Anything that is not JSON is a usage error (exit 2):
// sending it on as a string hid typos such as `-a {x:1}`.
import { readFileSync } from 'node:fs';
import { UsageError } from '../../shared/errors.js';

export interface ArgumentSources {
  readFile?: (file: string) => string;
  readStdin?: () => string;
}

export function parseRunArgument(value: string | undefined, sources: ArgumentSources = {}): unknown {
  if (value === undefined) return {};
  let text = value;
  let from = '-a';
  if (value === '-') {
    from = 'stdin (-a -)';
    text = (sources.readStdin ?? (() => readFileSync(0, 'utf8')))();
  } else if (value.startsWith('@')) {
    const file = value.slice(1);
    if (!file) throw new UsageError('-a @<file>: expected a file name after @, e.g. -a @input.json');
    from = file;
    try {
      text = (sources.readFile ?? ((f) => readFileSync(f, 'utf8')))(file);
    } catch (error) {
      throw new UsageError(`-a @${file}: cannot read ${file}: ${(error as Error).message}`, { cause: error });
    }
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const shown = text.length > 60 ? `${text.slice(0, 57)}...` : text;
    throw new UsageError(
      `${from}: expected JSON (e.g. -a '{"key": 1}', -a '"text"', -a @input.json or -a - for stdin), got ${JSON.stringify(shown.trim())}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
