// Regional deployments on AWS, through the deployer's own pieces (shared/workflows/resources.ts).
// Code: the artifact in the control plane's bucket is read here and passed to CreateFunction as
// ZipFile bytes. CreateFunction only takes an S3 object from a bucket in the function's own region;
// bytes work in every region with no per-region bucket to create, secure and clean up, and our
// bundles (~15 KB) are far below the 50 MB direct-upload limit.
import { createHash } from 'node:crypto';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetFunctionConfigurationCommand, InvokeCommand } from '@aws-sdk/client-lambda';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { physicalName, queueName, roleName } from '../../../shared/analysis/names.js';
import { regionCode } from '../../../shared/runtime/placement.js';
import { HEALTH_CHECK_KEY, type HealthAnswer } from '../../../shared/runtime/envelope.js';
import type { WorkflowDeps } from '../../../shared/workflows/env.js';
import type { DeployedFunctionResources, WorkflowRecord } from '../../../shared/workflows/record.js';
import { deployFunctionRegion, messageTargets, removeFunctionRegion, type Ledger } from '../../../shared/workflows/resources.js';
import { runtimeEnvironment } from '../../../shared/workflows/runtime-env.js';
import { TransientError } from '../../../shared/errors.js';
import { MigrationRejectedError, isRetryable } from '../core/migrate.js';
import type { FunctionRegion } from '../core/plan.js';
import type { Ownership, RegionDeployer } from '../core/ports.js';

/** Lambda's limit for a zip passed inline to CreateFunction. */
const ZIP_FILE_LIMIT_BYTES = 50 * 1024 * 1024;
const HEALTH_ATTEMPTS = 10;
const HEALTH_PAUSE_MS = 2000;

const notFound = (error: unknown) =>
  [
    'ResourceNotFoundException',
    'NoSuchEntity',
    'NoSuchEntityException',
    'QueueDoesNotExist',
    'AWS.SimpleQueueService.NonExistentQueue',
  ].includes((error as Error)?.name);

// The descriptions deployFunctionRegion writes: how the migrator recognises its own resources.
const functionDescription = (workflowId: string, fn: string) => `Caribou workflow ${workflowId}, function ${fn}`;
const roleDescription = (workflowId: string, fn: string) => `Caribou ${workflowId} ${fn}`;

const namesOf = (record: WorkflowRecord) => ({
  workflowName: record.workflow_name,
  workflowVersion: record.workflow_version,
  workflowId: record.workflow_id,
});
const physicalOf = (stackPrefix: string, record: WorkflowRecord, fr: FunctionRegion) =>
  physicalName(stackPrefix, record.workflow_name, record.workflow_version, fr.fn, regionCode(fr.region));

export class AwsRegionDeployer implements RegionDeployer {
  constructor(private readonly deps: WorkflowDeps) {}

  async inspect(record: WorkflowRecord, fr: FunctionRegion): Promise<Ownership> {
    const region = regionCode(fr.region);
    const physical = physicalOf(this.deps.controlPlane.stackPrefix, record, fr);
    try {
      const config = await this.deps.clients.lambda(region).send(new GetFunctionConfigurationCommand({ FunctionName: physical }));
      return config.Description === functionDescription(record.workflow_id, fr.fn)
        ? 'ours'
        : {
            foreign: `function ${physical} exists in ${region} and was not created by Caribou for ${record.workflow_id} (description "${config.Description ?? ''}")`,
          };
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    try {
      const role = (await this.deps.clients.iam(region).send(new GetRoleCommand({ RoleName: roleName(physical) }))).Role;
      return role?.Description === roleDescription(record.workflow_id, fr.fn)
        ? 'ours'
        : { foreign: `IAM role ${roleName(physical)} exists and was not created by Caribou for ${record.workflow_id}` };
    } catch (error) {
      if (!notFound(error)) throw error;
    }
    for (const name of [queueName(physical), queueName(physical, true)]) {
      try {
        await this.deps.clients.sqs(region).send(new GetQueueUrlCommand({ QueueName: name }));
        return 'ours'; // a queue of our naming shape without its function: a leftover
      } catch (error) {
        if (!notFound(error)) throw error;
      }
    }
    return 'absent';
  }

  async deploy(record: WorkflowRecord, fr: FunctionRegion): Promise<DeployedFunctionResources> {
    const fn = record.function_descriptions.find((f) => f.name === fr.fn);
    const artifact = record.artifacts[fr.fn];
    if (!fn || !artifact)
      throw new MigrationRejectedError(`workflow ${record.workflow_id} has no function description or code artifact for ${fr.fn}`);
    if (artifact.code_bytes > ZIP_FILE_LIMIT_BYTES)
      throw new MigrationRejectedError(
        `the code of ${fr.fn} (${artifact.code_bytes} bytes) exceeds the ${ZIP_FILE_LIMIT_BYTES}-byte inline limit`,
      );
    const object = await this.deps.clients
      .s3(this.deps.controlPlane.region)
      .send(new GetObjectCommand({ Bucket: artifact.bucket, Key: artifact.key }));
    const zip = await object.Body!.transformToByteArray();
    const sha = createHash('sha256').update(zip).digest('base64');
    if (sha !== artifact.code_sha256)
      throw new MigrationRejectedError(
        `the artifact s3://${artifact.bucket}/${artifact.key} changed since deploy (SHA-256 ${sha}, recorded ${artifact.code_sha256})`,
      );
    // The new region gets exactly the home function's environment (incl. variables the deploy added).
    const homeName = record.deployed_regions[fr.fn]?.[record.home_region]?.function_name;
    const homeEnv = homeName
      ? ((
          await this.deps.clients
            .lambda(regionCode(record.home_region))
            .send(new GetFunctionConfigurationCommand({ FunctionName: homeName }))
        ).Environment?.Variables ?? {})
      : {};
    const runtimeEnv = { ...runtimeEnvironment(record, this.deps, record.config.home_region_run_ratio), ...homeEnv };
    const ledger: Ledger = [];
    try {
      return await deployFunctionRegion(
        {
          names: namesOf(record),
          fn,
          regionKey: fr.region,
          zip,
          workflowPolicy: record.iam_policy,
          runtimeEnv,
          // The state table stays in the home region for every region (ADR 0400): none is created here.
          syncTable: { name: record.sync_tables[record.home_region]!, region: regionCode(record.home_region) },
          workflowFunctions: record.function_descriptions.map((f) => f.name),
          sendsTo: messageTargets(record.dag, fn.name),
        },
        this.deps,
        ledger,
      );
    } catch (error) {
      for (const undo of [...ledger].reverse()) await undo.run().catch(() => undefined); // the core removes by name too
      throw error;
    }
  }

  async healthCheck(record: WorkflowRecord, fr: FunctionRegion, resources: DeployedFunctionResources): Promise<void> {
    const lambda = this.deps.clients.lambda(regionCode(fr.region));
    const payload = Buffer.from(JSON.stringify({ [HEALTH_CHECK_KEY]: { workflow_id: record.workflow_id } }));
    let lastError: unknown;
    for (let attempt = 1; attempt <= HEALTH_ATTEMPTS; attempt++) {
      try {
        const result = await lambda.send(
          new InvokeCommand({ FunctionName: resources.function_name, InvocationType: 'RequestResponse', Payload: payload }),
        );
        const text = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
        if (result.FunctionError)
          throw new MigrationRejectedError(
            `${resources.function_name} failed its health check (${result.FunctionError}): ${text.slice(0, 500)}`,
          );
        const answer = JSON.parse(text || 'null') as Partial<HealthAnswer> | null;
        if (
          answer?.caribou_health !== 'ok' ||
          answer.function !== fr.fn ||
          answer.region !== fr.region ||
          answer.workflow_id !== record.workflow_id
        ) {
          throw new MigrationRejectedError(
            `${resources.function_name} answered its health check with ${text.slice(0, 300)}; expected ${fr.fn} of ${record.workflow_id} in ${fr.region}`,
          );
        }
        return;
      } catch (error) {
        // Just created: the function may be pending or not visible everywhere yet.
        if (!(isRetryable(error) || notFound(error))) throw error;
        lastError = error;
        await this.deps.sleep(HEALTH_PAUSE_MS);
      }
    }
    throw new TransientError(
      `${resources.function_name} did not answer its health check after ${HEALTH_ATTEMPTS} attempts: ${(lastError as Error)?.message}`,
      { cause: lastError },
    );
  }

  remove(record: WorkflowRecord, fr: FunctionRegion): Promise<void> {
    return removeFunctionRegion(namesOf(record), fr.fn, fr.region, this.deps);
  }
}
