// Where the control plane's tables and bucket are, for the deployer, remover and run client.
import { requireEnv } from '../config/env.js';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { clients } from '../aws/clients.js';
import { TransientError, ValidationError } from '../errors.js';
import { DEFAULT_STACK_PREFIX, STACK_PREFIX_RE } from '../analysis/names.js';
import { extraStatementsFromEnv, workflowBoundaryArn, type ExtraStatement } from './boundary.js';
import { optionalTableName, tableName } from '../config/control-plane.js';

export interface ControlPlane {
  /** The stack's prefix (CARIBOU_PREFIX, default "caribou"): the start `<prefix>_` of every data-plane name. */
  stackPrefix: string;
  workflowsTable: string;
  placementsTable: string;
  artifactsBucket: string;
  /** Region of the control plane's tables and bucket (undefined: the SDK's default region). */
  region?: string;
  stagingTable?: string;
  summariesTable?: string;
  collectorTable?: string;
  /**
   * Permissions boundary every workflow role is created with (the stack's `<prefix>-workflow-boundary`):
   * CARIBOU_WORKFLOW_BOUNDARY_ARN, or derived from the account in the stack's bucket name.
   */
  workflowBoundaryArn?: string;
  /** The operator's extra boundary statements (CARIBOU_BOUNDARY_EXTRA_STATEMENTS; the stack sets it for its services). */
  boundaryExtraStatements?: ExtraStatement[];
}

export type AwsClients = typeof clients;

export interface WorkflowDeps {
  controlPlane: ControlPlane;
  clients: AwsClients;
  now: () => Date;
  /** Progress lines for a person (the CLI prints them). */
  progress: (line: string) => void;
  sleep: (ms: number) => Promise<void>;
}

/**
 * Table names come from their env vars (what the stack gives services); on an operator's machine
 * `CARIBOU_PREFIX` alone is enough (tables are `<prefix>-<id>`, see shared/manifest/tables.ts).
 */
export function controlPlaneFromEnv(env: NodeJS.ProcessEnv = process.env): ControlPlane {
  const stagingTable = optionalTableName('solver-staging', env);
  const summariesTable = optionalTableName('workflow-summaries', env);
  const collectorTable = optionalTableName('collector-data', env);
  const stackPrefix = env.CARIBOU_PREFIX || DEFAULT_STACK_PREFIX;
  if (!STACK_PREFIX_RE.test(stackPrefix))
    throw new ValidationError(`CARIBOU_PREFIX "${stackPrefix}" must be 2-21 lower-case letters, digits or "-", starting with a letter`);
  const extra = extraStatementsFromEnv(env);
  return {
    ...(extra.length ? { boundaryExtraStatements: extra } : {}),
    stackPrefix,
    ...(boundaryArn(env, stackPrefix) ? { workflowBoundaryArn: boundaryArn(env, stackPrefix)! } : {}),
    workflowsTable: tableName('workflows', env),
    placementsTable: tableName('placements', env),
    artifactsBucket: requireEnv('CARIBOU_ARTIFACTS_BUCKET', env),
    ...(env.CARIBOU_CONTROL_REGION ? { region: env.CARIBOU_CONTROL_REGION } : env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(stagingTable ? { stagingTable } : {}),
    ...(summariesTable ? { summariesTable } : {}),
    ...(collectorTable ? { collectorTable } : {}),
  };
}

/** The boundary's ARN: set by the stack for its services; on an operator's machine derived from the bucket `<prefix>-artifacts-<account>-<region>`. */
function boundaryArn(env: NodeJS.ProcessEnv, stackPrefix: string): string | undefined {
  if (env.CARIBOU_WORKFLOW_BOUNDARY_ARN) return env.CARIBOU_WORKFLOW_BOUNDARY_ARN;
  const account = env.CARIBOU_ARTIFACTS_BUCKET?.match(new RegExp(`^${stackPrefix}-artifacts-(\\d{12})-`))?.[1];
  return account ? workflowBoundaryArn(account, stackPrefix) : undefined;
}

/**
 * For the CLI: like controlPlaneFromEnv, but without CARIBOU_ARTIFACTS_BUCKET the bucket is found
 * by the stack's naming (`<prefix>-artifacts-<account>-<region>`) through ListBuckets.
 */
export async function resolveControlPlane(env: NodeJS.ProcessEnv = process.env, aws: AwsClients = clients): Promise<ControlPlane> {
  if (env.CARIBOU_ARTIFACTS_BUCKET || !env.CARIBOU_PREFIX) return controlPlaneFromEnv(env);
  let buckets;
  try {
    buckets = (await aws.s3(env.AWS_REGION).send(new ListBucketsCommand({}))).Buckets ?? [];
  } catch (error) {
    throw new TransientError(
      `could not list S3 buckets to find the control plane's artifacts bucket (${env.CARIBOU_PREFIX}-artifacts-*): ${(error as Error).message}`,
      { cause: error },
    );
  }
  const found = buckets.map((b) => b.Name ?? '').filter((name) => name.startsWith(`${env.CARIBOU_PREFIX}-artifacts-`));
  if (found.length !== 1) {
    throw new ValidationError(
      `CARIBOU_ARTIFACTS_BUCKET is not set and ${found.length === 0 ? 'no bucket' : `${found.length} buckets`} named ${env.CARIBOU_PREFIX}-artifacts-* exist: set CARIBOU_ARTIFACTS_BUCKET to the stack's artifacts bucket`,
    );
  }
  return controlPlaneFromEnv({ ...env, CARIBOU_ARTIFACTS_BUCKET: found[0] });
}

export function workflowDepsFromEnv(
  progress: (line: string) => void = () => undefined,
  env: NodeJS.ProcessEnv = process.env,
): WorkflowDeps {
  return workflowDeps(controlPlaneFromEnv(env), progress);
}

export function workflowDeps(controlPlane: ControlPlane, progress: (line: string) => void = () => undefined): WorkflowDeps {
  return { controlPlane, clients, now: () => new Date(), progress, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) };
}
