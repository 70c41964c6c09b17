// `caribou remove <workflow_id>`: delete a workflow's resources in every region and its entries.
import type { Command } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { removeWorkflow } from '../../shared/workflows/remove.js';
import { resolveControlPlane, workflowDeps } from '../../shared/workflows/env.js';
import { cliEnv } from '../lib/context.js';
import { commandProgress } from '../lib/progress.js';

export const removeCommand: Command = {
  name: 'remove',
  summary: 'remove a deployed workflow: every function, queue, role and table entry in every region',
  help: `Usage: caribou remove <workflow_id> [--json]

Deletes, in every region the workflow reached: event source mappings, functions, queues and DLQs,
IAM roles, the sync table; then its code artifacts and payload objects, its placement, staged plan,
summaries and collected data; the workflow record last, so a removal that failed part-way can be
run again. On a terminal, progress (steps with elapsed time) goes to stderr; --json prints the
result as one JSON object.`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UsageError('expected exactly one workflow id, e.g. small_sync_example-0.0.1');
    const progress = commandProgress();
    const controlPlane = await progress.step('find the control plane', 'cli', async () => ({
      value: await resolveControlPlane(cliEnv()),
      detail: '',
    }));
    const result = await progress.step(`remove ${positionals[0]}`, 'cli', async () => {
      const value = await removeWorkflow(
        { workflowId: positionals[0]! },
        workflowDeps(controlPlane, (line) => progress.line(line.trim())),
      );
      return { value, detail: `${value.removedFunctionRegions} function deployment(s)` };
    });
    if (values.json) {
      io.out(JSON.stringify({ workflow_id: result.workflowId, removed_function_regions: result.removedFunctionRegions }));
      return 0;
    }
    io.out(
      `Removed ${result.workflowId} (${result.removedFunctionRegions} function deployment${result.removedFunctionRegions === 1 ? '' : 's'}).`,
    );
    return 0;
  },
};
