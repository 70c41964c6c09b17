// Applies the unchanged synthesized control-plane stack to the emulator with the real terraform.
// The state file lives in the local-mode folder and is tied to the emulator instance it describes:
// a restarted emulator has lost everything, so its old state is discarded. An unchanged stack on
// the same emulator is not applied again.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleServices } from '../terraform/bundle.js';
import { terraform } from '../terraform/runner.js';
import { synthStack } from '../terraform/synth.js';

export interface StackRecord {
  dir: string;
  hash: string;
  emulatorInstanceId: string;
  appliedAt: string;
  applySeconds: number;
}

export interface ApplyOptions {
  stateDir: string;
  prefix: string;
  region: string;
  emulatorUrl: string;
  emulatorInstanceId: string;
  previous?: StackRecord;
  log: (line: string) => void;
}

const PINNED_TIME = new Date('2020-01-01T00:00:00Z');

function pinMtimes(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) pinMtimes(full);
    utimesSync(full, PINNED_TIME, PINNED_TIME);
  }
}

export function stackAssetsDir(stateDir: string, prefix: string): string {
  return path.join(stateDir, 'cdktf.out', 'stacks', prefix, 'assets');
}

export function emulatorAwsEnv(emulatorUrl: string, region: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_')) delete env[key];
  return {
    ...env,
    AWS_ENDPOINT_URL: emulatorUrl,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_REGION: region,
    AWS_DEFAULT_REGION: region,
  };
}

/** What an `up` does with the stack: nothing (same emulator, same synthesized stack), an
 * incremental apply on the state of this emulator, or a fresh apply (the state describes an
 * emulator that is gone, or there is none). */
export function applyDecision(
  previous: StackRecord | undefined,
  emulatorInstanceId: string,
  hash: string,
  stateFileExists: boolean,
): 'skip' | 'incremental' | 'fresh' {
  if (!previous || previous.emulatorInstanceId !== emulatorInstanceId || !stateFileExists) return 'fresh';
  return previous.hash === hash ? 'skip' : 'incremental';
}

/**
 * Settings of local mode's deployment. The local Lambda runtime writes log lines to CloudWatch Logs
 * as they happen, so the log syncer's allowance for late delivery (15 min on AWS) shrinks to 2 s;
 * otherwise a sync right after a run (the carbon loop of `make local`) would never see it. The
 * artifacts bucket's TLS-only policy is left out: the emulator speaks plain HTTP on loopback.
 */
export const LOCAL_SERVICE_ENVIRONMENT = { 'log-syncer': { CARIBOU_LOG_SYNC_GRACE_S: '2' } } as const;

export async function applyStack(options: ApplyOptions): Promise<StackRecord> {
  const { stateDir, prefix, region, log } = options;
  const started = Date.now();
  const bundleDir = path.join(stateDir, 'dist');
  await bundleServices(bundleDir);
  // Fixed mtimes make cdktf's asset zips byte-identical for identical bundles: the functions'
  // CodeSha256 stays stable and an unchanged stack plans no Lambda update.
  pinMtimes(bundleDir);
  const tfDir = path.join(stateDir, 'terraform');
  mkdirSync(tfDir, { recursive: true });
  const stateFile = path.join(tfDir, 'terraform.tfstate');
  const dir = await synthStack({
    outDir: path.join(stateDir, 'cdktf.out'),
    prefix,
    region,
    bundleDir,
    stateFile,
    serviceEnvironment: LOCAL_SERVICE_ENVIRONMENT,
    tlsOnlyBucket: false,
  });
  const hash = createHash('sha256')
    .update(readFileSync(path.join(dir, 'cdk.tf.json')))
    .digest('hex');
  const decision = applyDecision(options.previous, options.emulatorInstanceId, hash, existsSync(stateFile));
  if (decision === 'skip') {
    log('stack unchanged on this emulator: nothing to apply');
    return options.previous!;
  }
  const sameEmulator = decision === 'incremental';
  if (!sameEmulator) {
    // The state describes resources of an emulator that no longer exists.
    for (const f of ['terraform.tfstate', 'terraform.tfstate.backup']) rmSync(path.join(tfDir, f), { force: true });
  }
  const env = emulatorAwsEnv(options.emulatorUrl, region);
  if (!existsSync(path.join(dir, '.terraform', 'providers'))) {
    log('terraform init (offline provider mirror)');
    await terraform(['init', '-input=false', '-no-color', '-reconfigure'], { cwd: dir, env });
  }
  log(
    sameEmulator ? 'terraform apply (incremental)' : 'terraform apply (new emulator: ~1-2 min, SQS queues wait ~25 s each in the provider)',
  );
  await terraform(['apply', '-auto-approve', '-input=false', '-no-color', '-parallelism=64'], { cwd: dir, env });
  const record: StackRecord = {
    dir,
    hash,
    emulatorInstanceId: options.emulatorInstanceId,
    appliedAt: new Date().toISOString(),
    applySeconds: Math.round((Date.now() - started) / 100) / 10,
  };
  writeFileSync(path.join(tfDir, 'applied.json'), JSON.stringify(record, null, 2));
  log(`stack applied in ${record.applySeconds} s`);
  return record;
}
