// Checks that the tools local mode needs are installed, with the line that installs each.
import { spawnSync } from 'node:child_process';
import { CaribouError } from '../shared/errors.js';

export class MissingToolError extends CaribouError {}

export const EXPECTED_MOTO = '5.2.1';

export function pythonExecutable(env: NodeJS.ProcessEnv = process.env): string {
  return env.CARIBOU_LOCAL_PYTHON || 'python3';
}

/** The moto version importable by the local-mode Python, or throws MissingToolError. */
export function checkMoto(env: NodeJS.ProcessEnv = process.env): string {
  const python = pythonExecutable(env);
  const out = spawnSync(python, ['-c', 'import moto, flask, werkzeug, jsonpath_ng; print(moto.__version__)'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    const why = out.error ? `${python} was not found` : (out.stderr.trim().split('\n').pop() ?? 'import failed');
    throw new MissingToolError(
      `local mode needs moto ${EXPECTED_MOTO} with its server in ${python} (${why}). Install it with:\n` +
        `  ${python} -m pip install 'moto[server]==${EXPECTED_MOTO}'\n` +
        'or point CARIBOU_LOCAL_PYTHON at a Python that has it.',
      { cause: out.error },
    );
  }
  return out.stdout.trim();
}

export function checkTerraform(): string {
  const out = spawnSync('terraform', ['version', '-json'], { encoding: 'utf8' });
  if (out.error || out.status !== 0) {
    throw new MissingToolError(
      'local mode applies the stack with the terraform CLI, which is not on PATH. Install Terraform 1.11 ' +
        "(https://developer.hashicorp.com/terraform/install, e.g. `apt-get install terraform` from HashiCorp's apt repository).",
      { cause: out.error },
    );
  }
  return (JSON.parse(out.stdout) as { terraform_version: string }).terraform_version;
}
