// `make synth`: writes cdktf.out/stacks/<prefix>. Parameters through env vars:
// CARIBOU_PREFIX (default "caribou"), CARIBOU_SYSTEM_REGION (default AWS_REGION or us-east-1).
import path from 'node:path';
import { REPO_ROOT, synthStack } from './synth.js';
import { stackPrefix } from '../shared/config/control-plane.js';

const prefix = stackPrefix();
const region = process.env.CARIBOU_SYSTEM_REGION || process.env.AWS_REGION || 'us-east-1';
const stackDir = await synthStack({ outDir: path.join(REPO_ROOT, 'cdktf.out'), prefix, region });
console.log(`synthesized stack "${prefix}" for ${region} into ${path.relative(process.cwd(), stackDir)}`);
