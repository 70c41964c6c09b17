// `caribou deploy [project]`: analyse, bundle and deploy a workflow to its home region.
import type { Command } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { analyzeProject } from '../../shared/analysis/project.js';
import { deployWorkflow } from '../../shared/workflows/deploy.js';
import { resolveControlPlane, workflowDeps } from '../../shared/workflows/env.js';
import { cliEnv } from '../lib/context.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy the workflow project in a folder (default .) to its home region',
  help: `Usage: caribou deploy [<project folder>] [--check]

Analyses app.ts and .caribou/config.yml (errors are printed as file:line:column with a hint),
bundles each function with esbuild, and creates in the home region per function an SQS queue + DLQ,
an IAM role, the Lambda function and its event source mapping, plus the workflow's sync table.
Stores the workflow, its DAG and the initial placement (everything home) in the control plane.
A version that is already deployed is refused; a failed deploy removes what it created.

  --check   only analyse: print the DAG's instances and exit

Environment: AWS credentials and region as for any AWS SDK; CARIBOU_PREFIX (or the table env vars
CARIBOU_WORKFLOWS_TABLE, CARIBOU_PLACEMENTS_TABLE) and optionally CARIBOU_ARTIFACTS_BUCKET.`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { check: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('expected at most one project folder');
    const project = analyzeProject(positionals[0] ?? '.');
    if (values.check) {
      io.out(`${project.dag.workflow_id}: ${Object.keys(project.dag.instances).length} instances, ${Object.keys(project.dag.edges).length} edges`);
      for (const instance of Object.values(project.dag.instances)) io.out(`  ${instance.instance_name}${instance.is_sync ? '  (sync)' : ''}`);
      return 0;
    }
    const deps = workflowDeps(await resolveControlPlane(cliEnv()), io.out);
    const result = await deployWorkflow(project, deps);
    io.out(`Deployed ${result.workflowId} to ${result.homeRegion} in ${result.durationS.toFixed(1)} s:`);
    for (const fn of result.functions) io.out(`  ${fn.name}: ${fn.functionName}`);
    io.out(`Run it with: caribou run ${result.workflowId} -a '{}'`);
    return 0;
  },
};
