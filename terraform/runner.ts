// Runs the real `terraform` binary on a synthesized stack folder. Writes a CLI config that installs
// the AWS provider from the offline filesystem mirror these machines carry (toolchain-notes), so
// init/validate/apply work without network; elsewhere the registry is used as usual.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CaribouError } from '../shared/errors.js';

export class TerraformError extends CaribouError {
  constructor(
    message: string,
    readonly output: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class TerraformMissingError extends CaribouError {}

const MIRROR_CANDIDATES = ['/opt/tf-plugins'];

export function findProviderMirror(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const configured = env.CARIBOU_TF_PLUGIN_MIRROR;
  if (configured) return existsSync(configured) ? configured : undefined;
  return MIRROR_CANDIDATES.find((dir) => existsSync(dir));
}

/** Environment for terraform: offline mirror CLI config (if any), no checkpoint calls, automation mode. */
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const mirror = findProviderMirror(env);
  const result: NodeJS.ProcessEnv = { ...env, CHECKPOINT_DISABLE: '1', TF_IN_AUTOMATION: '1' };
  if (mirror) {
    const dir = path.join(os.tmpdir(), 'caribou-terraform');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'mirror.tfrc');
    writeFileSync(
      file,
      [
        'provider_installation {',
        `  filesystem_mirror {\n    path    = ${JSON.stringify(mirror)}\n    include = ["registry.terraform.io/hashicorp/*"]\n  }`,
        '  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }',
        '}',
        '',
      ].join('\n'),
    );
    result.TF_CLI_CONFIG_FILE = file;
  }
  return result;
}

export interface TerraformResult {
  code: number;
  output: string;
}

/** Runs `terraform <args>` in `cwd`; rejects with TerraformError (carrying the output) on failure. */
export function terraform(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; echo?: boolean }): Promise<TerraformResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('terraform', args, {
      cwd: options.cwd,
      env: terraformEnv(options.env ?? process.env),
      stdio: ['inherit', 'pipe', 'pipe'], // apply may ask for confirmation
    });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (options.echo) process.stdout.write(chunk);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') {
        reject(
          new TerraformMissingError(
            "terraform is not on PATH. Install Terraform 1.11 (https://developer.hashicorp.com/terraform/install, or `apt-get install terraform` from HashiCorp's apt repository) and re-run.",
            { cause: error },
          ),
        );
      } else reject(error);
    });
    child.on('close', (code) => {
      if (code === 0) resolve({ code: 0, output });
      else reject(new TerraformError(`terraform ${args.join(' ')} failed with exit code ${code} in ${options.cwd}`, output));
    });
  });
}
