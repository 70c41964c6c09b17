// Registry of `caribou` sub-commands. Add one import and one entry per command module.
import type { Command } from '../lib/command.js';
import {
  dataCollectCommand,
  listCommand,
  logSyncCommand,
  manageDeploymentsCommand,
  runDeploymentMigratorCommand,
  versionCommand,
} from './control-plane.js';
import { solveCommand } from './solve.js';
import { newWorkflowCommand } from './new-workflow.js';
import { deployCommand } from './deploy.js';
import { runCommand } from './run.js';
import { removeCommand } from './remove.js';
import { localCommand } from './local.js';
import { tasksCommand } from './tasks.js';
import { planCommand } from './plan.js';
import { dataCommand } from './data.js';
import { reportCommand } from './report.js';
import { runsCommand } from './runs.js';

export const commands: Command[] = [
  versionCommand,
  listCommand,
  logSyncCommand,
  dataCollectCommand,
  manageDeploymentsCommand,
  runDeploymentMigratorCommand,
  solveCommand,
  newWorkflowCommand,
  deployCommand,
  runCommand,
  removeCommand,
  localCommand,
  tasksCommand,
  planCommand,
  dataCommand,
  reportCommand,
  runsCommand,
];
