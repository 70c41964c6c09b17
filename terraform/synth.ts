// Synthesizes the control-plane stack into <outDir>/stacks/<stackId> (cdk.tf.json + assets).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { App } from 'cdktf';
import { CaribouStack } from './stack.js';
import { SERVICES } from '../shared/manifest/services.js';
import { ValidationError } from '../shared/errors.js';

export interface SynthOptions {
  outDir: string;
  prefix: string;
  region: string;
  /** Folder with one bundle folder per service (default: <repo>/dist). */
  bundleDir?: string;
  stateFile?: string;
  stackId?: string;
}

import { REPO_ROOT } from '../shared/config/control-plane.js';

export { REPO_ROOT };
const PREFIX_PATTERN = /^[a-z][a-z0-9-]{1,20}$/;

export async function synthStack(options: SynthOptions): Promise<string> {
  if (!PREFIX_PATTERN.test(options.prefix)) {
    throw new ValidationError(`prefix "${options.prefix}" must be 2-21 lower-case letters, digits or "-", starting with a letter`);
  }
  const bundleDir = options.bundleDir ?? path.join(REPO_ROOT, 'dist');
  for (const service of SERVICES) {
    if (!existsSync(path.join(bundleDir, service.id, 'index.mjs'))) {
      throw new ValidationError(`bundle ${path.join(bundleDir, service.id, 'index.mjs')} is missing; run \`make bundle\` first`);
    }
  }
  const stackId = options.stackId ?? options.prefix;
  const app = new App({ outdir: options.outDir, skipValidation: false });
  new CaribouStack(app, stackId, {
    prefix: options.prefix,
    region: options.region,
    bundleDir,
    stateFile: options.stateFile,
  });
  app.synth();
  return path.join(options.outDir, 'stacks', stackId);
}
