// Registry of `caribou` sub-commands: name, one-line summary (for `caribou --help`) and a loader.
// A command's module is imported only when that command runs (or prints its own --help), so
// `caribou --help` and `caribou version` never load the TypeScript compiler, esbuild or cdktf.
//
// To add a command: write cli/commands/<name>.ts exporting a `Command` (cli/lib/command.ts) and add
// one line below:  entry('<name>', '<summary, same as the module's>', async () => (await import('./<name>.js')).<export>),
// A unit test (test/unit/cli/registry.test.ts) checks each summary and name against its module.
import type { Command } from '../lib/command.js';
import type { ServiceId } from '../../shared/manifest/services.js';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
  /** The control-plane service doing this action's work (`caribou --help` marks it when not built). */
  service?: ServiceId;
}

const entry = (name: string, summary: string, load: () => Promise<Command>, service?: ServiceId): CommandEntry => ({
  name,
  summary,
  load,
  ...(service ? { service } : {}),
});

export const commands: CommandEntry[] = [
  entry(
    'version',
    "Print the Caribou version (with -r: the deployed router's).",
    async () => (await import('./control-plane.js')).versionCommand,
  ),
  entry('list', 'List deployed workflows (the workflows table).', async () => (await import('./control-plane.js')).listCommand),
  entry(
    'log_sync',
    "Sync every deployed workflow's runtime logs (one sync_workflow task per workflow).",
    async () => (await import('./control-plane.js')).logSyncCommand,
    'log-syncer',
  ),
  entry(
    'data_collect',
    'Run a data collector: provider, carbon, performance, workflow (needs --workflow_id) or all.',
    async () => (await import('./control-plane.js')).dataCollectCommand,
    'data-collectors',
  ),
  entry(
    'manage_deployments',
    "Check every workflow's token budget and solve where it pays off.",
    async () => (await import('./control-plane.js')).manageDeploymentsCommand,
    'deployment-manager',
  ),
  entry(
    'run_deployment_migrator',
    'Apply every staged plan: deploy functions to the chosen regions and publish the placement.',
    async () => (await import('./control-plane.js')).runDeploymentMigratorCommand,
    'migrator',
  ),
  entry(
    'solve',
    'plan per-hour regions of a workflow from Python-format table data (deployment solver)',
    async () => (await import('./solve.js')).solveCommand,
  ),
  entry(
    'new_workflow',
    'create a workflow project (app.ts, .caribou/config.yml, IAM policy, a test)',
    async () => (await import('./new-workflow.js')).newWorkflowCommand,
  ),
  entry(
    'deploy',
    'deploy the workflow project in a folder (default .) to its home region',
    async () => (await import('./deploy.js')).deployCommand,
  ),
  entry(
    'run',
    'start a run of a deployed workflow and print its run id (--wait follows it)',
    async () => (await import('./run.js')).runCommand,
  ),
  entry(
    'remove',
    'remove a deployed workflow: every function, queue, role and table entry in every region',
    async () => (await import('./remove.js')).removeCommand,
  ),
  entry(
    'local',
    'Run the whole system on this machine: up, down, status, logs, env, demo (the carbon loop; no AWS account needed).',
    async () => (await import('./local.js')).localCommand,
  ),
  entry(
    'tasks',
    "Orchestrator tasks: counts per labourer and state, recent tasks, one task's record",
    async () => (await import('./tasks.js')).tasksCommand,
  ),
  entry(
    'plan',
    "Show a workflow's current and staged placement per hour, expected savings, tokens and next check.",
    async () => (await import('./plan.js')).planCommand,
  ),
  entry(
    'data',
    'Collected data the solver uses (provenance, age); import Electricity Maps CSV files',
    async () => (await import('./data.js')).dataCommand,
  ),
  entry(
    'runs',
    'Synced runs of a workflow: count, success/failure, p50/p95 runtime, regions',
    async () => (await import('./runs.js')).runsCommand,
  ),
  entry(
    'report',
    'carbon report of a workflow: intensity, placement, runs per region, gCO2e vs all-home (--out svg/png/html)',
    async () => (await import('./report.js')).reportCommand,
  ),
];
