// Registry of `caribou` sub-commands. Add one import and one entry per command module.
import type { Command } from '../lib/command.js';
import { solveCommand } from './solve.js';

export const commands: Command[] = [solveCommand];
