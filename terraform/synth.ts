// Synthesizes the control-plane stack into <outDir>/stacks/<stackId> (cdk.tf.json + assets).
import path from 'node:path';
import { existsSync } from 'node:fs';
import { App } from 'cdktf';
import { CaribouStack, type CaribouStackProps, type RemoteState } from './stack.js';
import { SERVICES } from '../shared/manifest/services.js';
import { ValidationError } from '../shared/errors.js';
import { STACK_PREFIX_RE } from '../shared/analysis/names.js';
import { REPO_ROOT } from '../shared/config/control-plane.js';
import { extraStatementsFromEnv, type ExtraStatement } from '../shared/workflows/boundary.js';

export interface SynthOptions {
  outDir: string;
  prefix: string;
  region: string;
  /** Folder with one bundle folder per service (default: <repo>/dist). */
  bundleDir?: string;
  stateFile?: string;
  /** S3 remote state (`make deploy` on a real account); ignored when stateFile is set. */
  remoteState?: RemoteState;
  /** Extra environment per service (CaribouStackProps.serviceEnvironment). */
  serviceEnvironment?: CaribouStackProps['serviceEnvironment'];
  /** CaribouStackProps.tlsOnlyBucket (default true). */
  tlsOnlyBucket?: boolean;
  /** CaribouStackProps.boundaryExtraStatements (default: CARIBOU_BOUNDARY_EXTRA_STATEMENTS, validated). */
  boundaryExtraStatements?: ExtraStatement[];
  stackId?: string;
}

/**
 * The S3 state backend from the environment: CARIBOU_TF_STATE_BUCKET (required to use it),
 * CARIBOU_TF_STATE_KEY (default `caribou/<prefix>.tfstate`), CARIBOU_TF_STATE_REGION (default the
 * stack's region), CARIBOU_TF_LOCK_TABLE (DynamoDB lock table; default S3's own lock file).
 */
export function remoteStateFromEnv(prefix: string, region: string, env: NodeJS.ProcessEnv = process.env): RemoteState | undefined {
  if (!env.CARIBOU_TF_STATE_BUCKET) return undefined;
  return {
    bucket: env.CARIBOU_TF_STATE_BUCKET,
    key: env.CARIBOU_TF_STATE_KEY || `caribou/${prefix}.tfstate`,
    region: env.CARIBOU_TF_STATE_REGION || region,
    ...(env.CARIBOU_TF_LOCK_TABLE ? { lockTable: env.CARIBOU_TF_LOCK_TABLE } : {}),
  };
}

export { REPO_ROOT };

export async function synthStack(options: SynthOptions): Promise<string> {
  if (!STACK_PREFIX_RE.test(options.prefix)) {
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
    remoteState: options.remoteState,
    serviceEnvironment: options.serviceEnvironment,
    tlsOnlyBucket: options.tlsOnlyBucket,
    boundaryExtraStatements: options.boundaryExtraStatements ?? extraStatementsFromEnv(),
  });
  app.synth();
  return path.join(options.outDir, 'stacks', stackId);
}
