// `make validate` / `make deploy`: terraform init + validate|apply of cdktf.out/stacks/<prefix>.
// apply targets the AWS account of the environment (standard AWS_* variables / profile).
import path from 'node:path';
import { terraform } from '../terraform/runner.js';
import { REPO_ROOT } from '../terraform/synth.js';
import { stackPrefix } from '../shared/config/control-plane.js';

const [command, ...extra] = process.argv.slice(2);
const prefix = stackPrefix();
const cwd = path.join(REPO_ROOT, 'cdktf.out', 'stacks', prefix);
try {
  if (command === 'validate') {
    await terraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd });
    await terraform(['validate', '-no-color'], { cwd, echo: true });
  } else if (command === 'apply') {
    await terraform(['init', '-input=false'], { cwd, echo: true });
    await terraform(['apply', '-parallelism=64', ...extra], { cwd, echo: true });
  } else {
    console.error('usage: scripts/terraform.ts validate|apply [terraform apply options]');
    process.exit(2);
  }
} catch (error) {
  console.error((error as Error).message);
  if ((error as { output?: string }).output) console.error((error as { output: string }).output);
  process.exit(1);
}
