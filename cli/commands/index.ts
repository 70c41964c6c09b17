// Registry of `caribou` sub-commands. Add one import and one entry per command module.
import type { Command } from '../lib/command.js';
import { tasksCommand } from './tasks.js';

export const commands: Command[] = [tasksCommand];
