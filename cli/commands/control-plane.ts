// The seed's public actions as CLI commands (except run/remove, which live with the workflow client).
import { CARIBOU_VERSION } from '../../shared/version.js';
import { UsageError } from '../../shared/errors.js';
import { actionCommand, noPositionals } from '../lib/action-command.js';

export const versionCommand = actionCommand({
  name: 'version',
  summary: "Print the Caribou version (with -r: the deployed router's).",
  payload: (_v, p) => (noPositionals('version', p), { action: 'version' }),
  offline: () => ({ status: 200, version: CARIBOU_VERSION }),
  render: (a) => [String(a.version)],
});

export const listCommand = actionCommand({
  name: 'list',
  summary: 'List deployed workflows (the workflows table).',
  payload: (_v, p) => (noPositionals('list', p), { action: 'list' }),
  render: (a) => {
    const ids = a.workflows as string[];
    return ids.length ? ids : ['No workflows deployed.'];
  },
});

export const logSyncCommand = actionCommand({
  name: 'log_sync',
  summary: "Sync every deployed workflow's runtime logs (one sync_workflow task per workflow).",
  payload: (_v, p) => (noPositionals('log_sync', p), { action: 'log_sync' }),
});

export const dataCollectCommand = actionCommand({
  name: 'data_collect',
  summary: 'Run a data collector: provider, carbon, performance, workflow (needs --workflow_id) or all.',
  usage: '<collector> [--workflow_id <id>] ',
  details: '"all" runs provider, carbon and performance (not workflow), as in the Python system.',
  options: { collector: { type: 'string' }, workflow_id: { type: 'string' } },
  payload: (v, p) => {
    if (p.length > 1) throw new UsageError(`expected one collector, got "${p.join(' ')}"`);
    const collector = (v.collector as string | undefined) ?? p[0];
    if (!collector) throw new UsageError('name a collector: provider, carbon, performance, workflow or all');
    return { action: 'data_collect', collector, ...(v.workflow_id ? { workflow_id: v.workflow_id } : {}) };
  },
});

export const manageDeploymentsCommand = actionCommand({
  name: 'manage_deployments',
  summary: "Check every workflow's token budget and solve where it pays off.",
  usage: '[--deployment_metrics_calculator_type simple|go] ',
  details: '"go" selects the fastest calculator (the Python system\'s Go accelerator name is kept for compatibility).',
  options: { deployment_metrics_calculator_type: { type: 'string' } },
  payload: (v, p) => (
    noPositionals('manage_deployments', p),
    { action: 'manage_deployments', deployment_metrics_calculator_type: v.deployment_metrics_calculator_type ?? 'simple' }
  ),
});

export const runDeploymentMigratorCommand = actionCommand({
  name: 'run_deployment_migrator',
  summary: 'Apply every staged plan: deploy functions to the chosen regions and publish the placement.',
  payload: (_v, p) => (noPositionals('run_deployment_migrator', p), { action: 'run_deployment_migrator' }),
});
