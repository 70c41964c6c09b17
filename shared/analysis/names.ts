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

/** Stack prefix when CARIBOU_PREFIX is not set (control plane and data plane): one definition. */
export { DEFAULT_PREFIX as DEFAULT_STACK_PREFIX } from '../config/control-plane.js';
/** A stack prefix: no `_`, which separates it from the data-plane names that follow it. */
export const STACK_PREFIX_RE = /^[a-z][a-z0-9-]{1,20}$/;

/** A function instance's name in one region, `<workflow>-<version_>-<function>_<provider>-<region>` (caribou-spec §4.3). */
export const regionalName = (workflowName: string, version: string, fn: string, region: string, provider = 'aws') =>
  `${functionPrefix(workflowName, version, fn)}_${provider}-${region}`;

/**
 * Start of every data-plane name of one stack: `<stack prefix>_`. A stack prefix never contains `_`
 * (terraform/synth.ts), so `caribou_*` matches neither stack `caribou-x`'s names (`caribou-x_…`) nor
 * the control plane's own `<prefix>-<service>` resources: the IAM patterns grant exactly one stack.
 */
export const dataPlaneStart = (stackPrefix: string) => `${stackPrefix}_`;

const shortHash = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 8);

/** `_aws-<longest region>`: a function's stem is chosen so that every region's name fits. */
const LONGEST_TAIL = `_aws-${LONGEST_REGION}`;

/**
 * The starts a function's physical names can have: `<stack>_<workflow>-<version_>-<function>` and,
 * when that plus the longest region tail would pass Lambda's 64 chars, a short form (its first 36
 * chars, `-` and a hash of the whole: no collisions) used in the regions where the long one does not
 * fit. Neither depends on the region, so IAM can grant "this function's queues anywhere" as `<stem>_aws-*`.
 */
export function functionStems(stackPrefix: string, workflowName: string, version: string, fn: string): { full: string; short?: string } {
  const full = `${dataPlaneStart(stackPrefix)}${functionPrefix(workflowName, version, fn)}`;
  if (full.length + LONGEST_TAIL.length <= LAMBDA_NAME_MAX) return { full };
  return { full, short: `${full.slice(0, LAMBDA_NAME_MAX - LONGEST_TAIL.length - 9)}-${shortHash(full)}` };
}

/**
 * Physical name of one function in one region: `<stack>_<workflow>-<version_>-<function>_aws-<region>`,
 * or the short stem with the same tail where that passes 64 chars (functionStems). Queues, DLQs, roles
 * and log groups are derived from it.
 */
export function physicalName(
  stackPrefix: string,
  workflowName: string,
  version: string,
  fn: string,
  region: string,
  provider = 'aws',
): string {
  const { full, short } = functionStems(stackPrefix, workflowName, version, fn);
  const tail = `_${provider}-${region}`;
  return full.length + tail.length <= LAMBDA_NAME_MAX || !short ? `${full}${tail}` : `${short}${tail}`;
}

/**
 * IAM role names stop at 64 chars: long names keep their start, a hash (no collisions) and their
 * `_<provider>-<region>` tail; the stack's `<prefix>_` start, which IAM grants match, is always kept.
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

/** One sync/state table per workflow in its home region (docs/adr/0400): `<stack>_sync-<workflow>-<version_>`. */
export function syncTableName(stackPrefix: string, workflowName: string, version: string): string {
  return `${dataPlaneStart(stackPrefix)}sync-${workflowName}-${version.replaceAll('.', '_')}`;
}

/** Log group of a workflow function (created with a retention by the deployer). */
export const logGroupName = (physical: string) => `/aws/lambda/${physical}`;
