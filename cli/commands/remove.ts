// `caribou remove <workflow_id>`: delete a workflow's resources in every region and its entries.
import type { Command } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { removeWorkflow } from '../../shared/workflows/remove.js';
import { resolveControlPlane, workflowDeps } from '../../shared/workflows/env.js';
import { cliEnv } from '../lib/context.js';

export const removeCommand: Command = {
  name: 'remove',
  summary: 'remove a deployed workflow: every function, queue, role and table entry in every region',
  help: `Usage: caribou remove <workflow_id>

Deletes, in every region the workflow reached: event source mappings, functions, queues and DLQs,
IAM roles, the sync table; then its code artifacts and payload objects, its placement, staged plan,
summaries and collected data; the workflow record last, so a removal that failed part-way can be
run again.`,
  async run(argv, io) {
    const { positionals } = parseCommandArgs(argv, {});
    if (positionals.length !== 1) throw new UsageError('expected exactly one workflow id, e.g. small_sync_example-0.0.1');
    const deps = workflowDeps(await resolveControlPlane(cliEnv()), io.out);
    const result = await removeWorkflow({ workflowId: positionals[0]! }, deps);
    io.out(`Removed ${result.workflowId} (${result.removedFunctionRegions} function deployment${result.removedFunctionRegions === 1 ? '' : 's'}).`);
    return 0;
  },
};
