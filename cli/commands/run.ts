// `caribou run <workflow_id> [-a JSON] [--wait] [--json]`: start a run, optionally follow it.
import type { Command } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { runWorkflow } from '../../shared/workflows/run.js';
import { followRun } from '../../shared/workflows/follow.js';
import { resolveControlPlane, workflowDeps } from '../../shared/workflows/env.js';
import { cliEnv } from '../lib/context.js';
import { parseRunArgument } from '../lib/argument.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'start a run of a deployed workflow and print its run id (--wait follows it)',
  help: `Usage: caribou run <workflow_id> [-a <JSON> | -a @<file.json> | -a -] [--wait [--timeout <s>]] [--json]

Starts a run: the input goes to the entry function in the region the workflow's placement chooses
for this hour. Prints the run id.

  -a, --argument  the input as JSON (default {}): inline (-a '{"n": 3}'), from a file (-a @in.json)
                  or from stdin (-a -). Input that is not JSON is a usage error (exit 2).
  --wait          follow the run through its log lines until it ends, printing each instance
  --timeout <s>   give up waiting after this many seconds (default 120; exit 1 if still running)
  --json          with --wait: print one object {"run_id","status","instances":[{"instance",
                  "function","region","duration_s"}]}; without: {"run_id"}`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      argument: { type: 'string', short: 'a' },
      wait: { type: 'boolean' },
      json: { type: 'boolean' },
      timeout: { type: 'string' },
    });
    if (positionals.length !== 1) throw new UsageError('expected exactly one workflow id, e.g. small_sync_example-0.0.1');
    const timeoutS = values.timeout === undefined ? 120 : Number(values.timeout);
    if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError('--timeout must be a positive number of seconds');
    const argument = parseRunArgument(values.argument);
    const deps = workflowDeps(await resolveControlPlane(cliEnv()));
    const startedAt = deps.now();
    const { runId } = await runWorkflow(
      { workflowId: positionals[0]!, argument: JSON.stringify(argument), requestSource: 'caribou run' },
      deps,
    );
    if (!values.wait) {
      io.out(values.json ? JSON.stringify({ run_id: runId }) : runId);
      return 0;
    }
    if (!values.json) io.out(`run ${runId} started; waiting…`);
    const report = await followRun(
      positionals[0]!,
      runId,
      startedAt,
      {
        timeoutS,
        onInstance: values.json ? undefined : (i) => io.out(`  ${i.instance}  ${i.region}  ${i.duration_s.toFixed(3)} s`),
      },
      deps,
    );
    if (values.json) io.out(JSON.stringify(report));
    else io.out(`run ${runId} ${report.status} (${report.instances.length} instance${report.instances.length === 1 ? '' : 's'})`);
    return report.status === 'succeeded' ? 0 : 1;
  },
};
