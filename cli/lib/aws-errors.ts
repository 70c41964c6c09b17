// The one place that turns the AWS SDK's set-up errors (no region, no or bad credentials, unknown
// profile) into a message that says what to do. Such errors are often wrapped by the code that made
// the call (e.g. "could not scan table …: Region is missing"), so the whole `cause` chain is read.

const LOCAL_HINT = 'or run `eval "$(caribou local env)"` for local mode';

export const NO_REGION_MESSAGE = `no AWS region: set AWS_REGION or --region, ${LOCAL_HINT}`;
export const NO_CREDENTIALS_MESSAGE = `no AWS credentials: set AWS_PROFILE or --profile (a profile from \`aws configure\` or \`aws sso login\`), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, ${LOCAL_HINT}`;

/** The error and its causes, outermost first (bounded: a cycle cannot hang the CLI). */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

function explainOne(error: unknown, env: NodeJS.ProcessEnv): string | undefined {
  if (!(error instanceof Error)) return undefined;
  const { name, message } = error;
  if (/^Region is missing/.test(message)) return NO_REGION_MESSAGE;
  const profile = /(?:profile:? \[?|Profile )([^\]\s]+)\]? (?:could not be found|in configuration)/.exec(message)?.[1];
  if (profile)
    return `AWS profile "${profile}" was not found in ~/.aws/config or ~/.aws/credentials: check --profile / AWS_PROFILE (\`aws configure list-profiles\`)`;
  if (name === 'CredentialsProviderError' || /Could not load credentials from any providers/.test(message)) {
    const named = env.AWS_PROFILE;
    return named
      ? `no AWS credentials for profile "${named}" (AWS_PROFILE / --profile): check that it is in ~/.aws/config or ~/.aws/credentials (\`aws configure list-profiles\`) and logged in (\`aws sso login --profile ${named}\`), ${LOCAL_HINT}`
      : NO_CREDENTIALS_MESSAGE;
  }
  if (name === 'ExpiredTokenException' || name === 'ExpiredToken' || /security token included in the request is expired/i.test(message)) {
    return `AWS credentials have expired${env.AWS_PROFILE ? ` (profile ${env.AWS_PROFILE})` : ''}: refresh them (e.g. \`aws sso login\`) and try again`;
  }
  if (name === 'UnrecognizedClientException' || name === 'InvalidClientTokenId' || name === 'InvalidAccessKeyId') {
    return `AWS rejected the credentials (${name}): check AWS_PROFILE / --profile or the access key, ${LOCAL_HINT}`;
  }
  return undefined;
}

/** An actionable one-line message for an AWS set-up problem anywhere in the cause chain, else undefined. */
export function explainAwsSetupError(error: unknown, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const e of causeChain(error)) {
    const explained = explainOne(e, env);
    if (explained) return explained;
  }
  return undefined;
}

/** --debug: what the SDK knows about a failed request (service error name, HTTP status, request id, attempts). */
export function sdkDetails(error: unknown): string[] {
  const lines: string[] = [];
  for (const e of causeChain(error)) {
    const meta = (e as { $metadata?: { httpStatusCode?: number; requestId?: string; attempts?: number; totalRetryDelay?: number } })
      .$metadata;
    const fault = (e as { $fault?: string }).$fault;
    if (!meta && !fault) continue;
    const parts = [
      `${(e as Error).name}`,
      fault ? `fault ${fault}` : '',
      meta?.httpStatusCode ? `HTTP ${meta.httpStatusCode}` : '',
      meta?.requestId ? `request id ${meta.requestId}` : '',
      meta?.attempts ? `${meta.attempts} attempt(s), ${meta.totalRetryDelay ?? 0} ms retry delay` : '',
    ].filter(Boolean);
    lines.push(`aws sdk: ${parts.join(', ')}`);
  }
  return lines;
}
