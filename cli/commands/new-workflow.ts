// `caribou new_workflow <name>`: scaffolds a workflow project.
import type { Command } from '../lib/command.js';
import { parseCommandArgs } from '../lib/args.js';
import { UsageError } from '../../shared/errors.js';
import { scaffoldWorkflow } from '../../shared/workflows/scaffold.js';
import { WORKFLOW_NAME_RE } from '../../shared/analysis/names.js';
import { isKnownRegion } from '../../shared/aws/regions.js';
import { unknownRegionMessage } from '../../shared/analysis/rules/regions.js';

export const newWorkflowCommand: Command = {
  name: 'new_workflow',
  summary: 'create a workflow project (app.ts, .caribou/config.yml, IAM policy, a test)',
  help: `Usage: caribou new_workflow <name> [--dir <folder>] [--home-region <region>]

Creates <folder> (default ./<name>) with:
  app.ts                    two functions: an entry point and a conditionally called successor
  .caribou/config.yml       workflow settings (snake_case, see docs/workflows.md)
  .caribou/iam_policy.json  the IAM policy your functions get (plus what the runtime needs)
  test/app.test.ts          runs the workflow in memory (npm test)
  package.json              depends on @caribou-ts/caribou (a relative file: link when caribou runs
                            from a checkout); scripts test, deploy (caribou deploy .), check

<name>: 1-25 letters, digits or _. Then: cd <name> && npm install && npm test && npm run deploy`,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { dir: { type: 'string' }, 'home-region': { type: 'string' } });
    if (positionals.length !== 1) throw new UsageError('expected exactly one workflow name, e.g. caribou new_workflow my_workflow');
    const name = positionals[0]!;
    if (!WORKFLOW_NAME_RE.test(name))
      throw new UsageError(`workflow name "${name}" is invalid: expected 1-25 letters, digits or _ (e.g. my_workflow)`);
    const home = values['home-region'];
    if (home !== undefined && !isKnownRegion(home)) throw new UsageError(unknownRegionMessage('--home-region', home));
    const files = scaffoldWorkflow({
      name: positionals[0]!,
      ...(values.dir ? { directory: values.dir } : {}),
      ...(values['home-region'] ? { homeRegion: values['home-region'] } : {}),
    });
    io.out(`Created workflow project ${positionals[0]}:`);
    for (const file of files) io.out(`  ${file}`);
    return 0;
  },
};
