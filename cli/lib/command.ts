// The shape every `caribou` sub-command implements. Commands return an exit code:
// 0 ok, 1 failure, 2 usage error (thrown as UsageError and mapped by cli/main.ts).

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface Command {
  /** Word(s) after `caribou`, e.g. "solve" or "local". */
  name: string;
  /** One line for `caribou --help`. */
  summary: string;
  /** Full help text for `caribou <name> --help`. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
