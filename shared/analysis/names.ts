// Naming scheme (caribou-spec §4.3) and the limits that follow from it (§4.2, §5.4).
import { createHash } from 'node:crypto';

export const WORKFLOW_NAME_RE = /^[A-Za-z0-9_]{1,25}$/;
export const WORKFLOW_VERSION_RE = /^[0-9.]{1,10}$/;
export const FUNCTION_NAME_RE = /^[A-Za-z0-9_]{1,20}$/;
export const LAMBDA_NAME_MAX = 64;
/** Longest AWS region code (e.g. ap-southeast-2), used when a function may run anywhere. */
export const LONGEST_REGION = 'ap-southeast-2';

export const workflowId = (name: string, version: string) => `${name}-${version}`;

/** `<workflow>-<version with . as _>-<function>`: the prefix of instance and resource names. */
export const functionPrefix = (workflowName: string, version: string, fn: string) =>
  `${workflowName}-${version.replaceAll('.', '_')}-${fn}`;

/** Physical name of one function in one region: `<prefix>_aws-<region>` (≤ 64 chars). */
export const physicalName = (workflowName: string, version: string, fn: string, region: string, provider = 'aws') =>
  `${functionPrefix(workflowName, version, fn)}_${provider}-${region}`;

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/**
 * IAM role names stop at 64 chars: long names keep their start, a hash (no collisions) and their
 * `_<provider>-<region>` tail, which the control plane's IAM policies match data-plane roles by.
 */
export function roleName(physical: string): string {
  const plain = `${physical}-role`;
  if (plain.length <= 64) return plain;
  const tail = physical.slice(physical.lastIndexOf('_'));
  return `${physical.slice(0, 64 - tail.length - '-role'.length - 9)}-${shortHash(physical)}${tail}-role`;
}

/** SQS queue names stop at 80 chars (a `-dlq` suffix must still fit). */
export function queueName(physical: string, dlq = false): string {
  const base = physical.length <= 72 ? physical : `${physical.slice(0, 63)}-${shortHash(physical)}`;
  return dlq ? `${base}-dlq` : base;
}

/** One sync/state table per workflow in its home region (docs/adr/0400). */
export function syncTableName(workflowName: string, version: string): string {
  return `caribou-sync-${workflowName}-${version.replaceAll('.', '_')}`;
}
