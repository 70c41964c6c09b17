// `make validate|plan|deploy|destroy`: terraform init + validate|plan|apply|destroy of
// cdktf.out/stacks/<prefix>. plan/apply/destroy target the AWS account of the environment (standard
// AWS_* variables / profile) and first print which account and region that is; with
// CARIBOU_EXPECTED_ACCOUNT_ID set they refuse any other account.
import path from 'node:path';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { terraform } from '../terraform/runner.js';
import { REPO_ROOT } from '../terraform/synth.js';
import { ValidationError } from '../shared/errors.js';
import { stackPrefix } from '../shared/config/control-plane.js';

/** Decides whether to go on: the account/region line to print, or why not. */
export function accountGuard(
  actual: { account: string; arn: string; region: string },
  env: NodeJS.ProcessEnv,
): { ok: boolean; message: string } {
  const where = `account ${actual.account} (${actual.arn}), region ${actual.region}`;
  const expected = env.CARIBOU_EXPECTED_ACCOUNT_ID;
  if (expected && expected !== actual.account) {
    return {
      ok: false,
      message: `refusing: the credentials in this environment are for ${where}, but CARIBOU_EXPECTED_ACCOUNT_ID is ${expected}`,
    };
  }
  return {
    ok: true,
    message: `target: ${where}${expected ? ' (matches CARIBOU_EXPECTED_ACCOUNT_ID)' : ' (set CARIBOU_EXPECTED_ACCOUNT_ID to refuse any other account)'}`,
  };
}

async function guard(region: string): Promise<void> {
  const sts = new STSClient({ region });
  let identity;
  try {
    identity = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throw new ValidationError(
      `could not tell which AWS account these credentials belong to (${(error as Error).message}); set AWS_PROFILE or AWS credentials first`,
      { cause: error },
    );
  } finally {
    sts.destroy();
  }
  const decision = accountGuard({ account: identity.Account ?? '?', arn: identity.Arn ?? '?', region }, process.env);
  if (!decision.ok) throw new ValidationError(decision.message);
  console.log(decision.message);
}

async function main(): Promise<void> {
  const [command, ...extra] = process.argv.slice(2);
  const prefix = stackPrefix();
  const region = process.env.CARIBOU_SYSTEM_REGION || process.env.AWS_REGION || 'us-east-1';
  const cwd = path.join(REPO_ROOT, 'cdktf.out', 'stacks', prefix);
  if (command === 'validate') {
    await terraform(['init', '-backend=false', '-input=false', '-no-color'], { cwd });
    await terraform(['validate', '-no-color'], { cwd, echo: true });
    return;
  }
  if (command !== 'plan' && command !== 'apply' && command !== 'destroy') {
    console.error('usage: scripts/terraform.ts validate|plan|apply|destroy [terraform options]');
    process.exit(2);
  }
  await guard(region);
  console.log(`stack: ${prefix} in ${cwd}`);
  await terraform(['init', '-input=false'], { cwd, echo: true });
  const parallelism = command === 'plan' ? [] : ['-parallelism=64'];
  await terraform([command, ...parallelism, ...extra], { cwd, echo: true });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    await main();
  } catch (error) {
    console.error((error as Error).message);
    if ((error as { output?: string }).output) console.error((error as { output: string }).output);
    process.exit(1);
  }
}
