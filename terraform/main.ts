// `make synth`: writes cdktf.out/stacks/<prefix>. Parameters through env vars:
// CARIBOU_PREFIX (default "caribou"), CARIBOU_SYSTEM_REGION (default AWS_REGION or us-east-1),
// CARIBOU_TF_STATE_BUCKET / _KEY / _REGION and CARIBOU_TF_LOCK_TABLE for S3 remote state.
import path from 'node:path';
import { REPO_ROOT, remoteStateFromEnv, synthStack } from './synth.js';
import { stackPrefix } from '../shared/config/control-plane.js';

const prefix = stackPrefix();
const region = process.env.CARIBOU_SYSTEM_REGION || process.env.AWS_REGION || 'us-east-1';
const remoteState = remoteStateFromEnv(prefix, region);
const stackDir = await synthStack({ outDir: path.join(REPO_ROOT, 'cdktf.out'), prefix, region, remoteState });
console.log(`synthesized stack "${prefix}" for ${region} into ${path.relative(process.cwd(), stackDir)}`);
console.log(
  remoteState
    ? `terraform state: s3://${remoteState.bucket}/${remoteState.key} (${remoteState.region}, lock: ${remoteState.lockTable ?? 'S3 lock file'})`
    : 'terraform state: local file in the stack folder (set CARIBOU_TF_STATE_BUCKET for S3 remote state)',
);
