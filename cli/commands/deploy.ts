// `caribou deploy [project]`: analyse, bundle and deploy a workflow to its home region.
import type { Command } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { analyzeProject } from '../../shared/analysis/project.js';
import { deployWorkflow } from '../../shared/workflows/deploy.js';
import { resolveControlPlane, workflowDeps } from '../../shared/workflows/env.js';
import { cliEnv } from '../lib/context.js';
import { commandProgress } from '../lib/progress.js';

export const deployCommand: Command = {
  name: 'deploy',
  summary: 'deploy the workflow project in a folder (default .) to its home region',
  help: `Usage: caribou deploy [<project folder>] [--check] [--json]

Analyses app.ts and .caribou/config.yml (errors are printed as file:line:column with a hint),
bundles each function with esbuild, and creates in the home region per function an SQS queue + DLQ,
an IAM role, the Lambda function and its event source mapping, plus the workflow's sync table.
Stores the workflow, its DAG and the initial placement (everything home) in the control plane.
A version that is already deployed is refused; a failed deploy removes what it created.

  --check   only analyse: print the DAG's instances and exit (exit 1 with file:line:column
            diagnostics when the project has problems, e.g. an unknown AWS region in config.yml)
  --json    print the result as one JSON object (no progress)

On a terminal, progress (steps with elapsed time) goes to stderr.

Environment: AWS credentials and region as for any AWS SDK; CARIBOU_PREFIX (or the table env vars
CARIBOU_WORKFLOWS_TABLE, CARIBOU_PLACEMENTS_TABLE) and optionally CARIBOU_ARTIFACTS_BUCKET.`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { check: { type: 'boolean' }, json: { type: 'boolean' } });
    if (positionals.length > 1) throw new UsageError('expected at most one project folder');
    const progress = commandProgress();
    const project = await progress.step('analyse app.ts and .caribou/config.yml', 'cli', async () => {
      const value = analyzeProject(positionals[0] ?? '.');
      return { value, detail: `${value.dag.workflow_id}, ${Object.keys(value.dag.instances).length} instances` };
    });
    if (values.check) {
      const instances = Object.values(project.dag.instances);
      if (values.json) {
        io.out(
          JSON.stringify({
            workflow_id: project.dag.workflow_id,
            instances: instances.map((i) => ({ name: i.instance_name, sync: i.is_sync })),
            edges: Object.keys(project.dag.edges).length,
          }),
        );
        return 0;
      }
      io.out(`${project.dag.workflow_id}: ${instances.length} instances, ${Object.keys(project.dag.edges).length} edges`);
      for (const instance of instances) io.out(`  ${instance.instance_name}${instance.is_sync ? '  (sync)' : ''}`);
      return 0;
    }
    const controlPlane = await progress.step('find the control plane', 'cli', async () => ({
      value: await resolveControlPlane(cliEnv()),
      detail: '',
    }));
    const result = await progress.step(`deploy ${project.dag.workflow_id}`, 'cli', async () => {
      const value = await deployWorkflow(
        project,
        workflowDeps(controlPlane, (line) => progress.line(line.trim())),
      );
      return { value, detail: `${value.functions.length} function(s) in ${value.homeRegion}` };
    });
    if (values.json) {
      io.out(
        JSON.stringify({
          workflow_id: result.workflowId,
          home_region: result.homeRegion,
          duration_s: result.durationS,
          functions: result.functions.map((f) => ({ name: f.name, function_name: f.functionName })),
        }),
      );
      return 0;
    }
    io.out(`Deployed ${result.workflowId} to ${result.homeRegion} in ${result.durationS.toFixed(1)} s:`);
    for (const fn of result.functions) io.out(`  ${fn.name}: ${fn.functionName}`);
    io.out(`Run it with: caribou run ${result.workflowId} -a '{}'`);
    return 0;
  },
};
