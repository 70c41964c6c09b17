// Creating and deleting the AWS resources of one workflow function in one region: DLQ, queue, IAM
// role (always with the stack's permissions boundary), log group (with a retention), Lambda function,
// event source mapping; all named `<stack prefix>_…` and tagged with stack, workflow and function.
// Every create is recorded in a ledger so a failed deploy rolls back exactly what it made; every
// delete tolerates "already gone" so remove re-runs.
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { CreateLogGroupCommand, DeleteLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  ListRolePoliciesCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  DeleteEventSourceMappingCommand,
  DeleteFunctionCommand,
  GetFunctionConfigurationCommand,
  ListEventSourceMappingsCommand,
} from '@aws-sdk/client-lambda';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { FunctionDescription } from '../analysis/project.js';
import { LAMBDA_NODE_RUNTIME } from '../aws/lambda-runtime.js';
import { functionStems, logGroupName, physicalName, queueName, roleName } from '../analysis/names.js';
import { ValidationError } from '../errors.js';
import { boundaryProblems, type PolicyDocument } from './boundary.js';
import type { WorkflowDag } from '../analysis/dag.js';
import type { RegionKey } from '../contracts/placement.js';
import { regionCode } from '../runtime/placement.js';
import type { WorkflowDeps } from './env.js';
import type { DeployedFunctionResources } from './record.js';

export type Undo = { what: string; run: () => Promise<void> };
export type Ledger = Undo[];

/** Kept as an alias of the one runtime constant (shared/aws/lambda-runtime.ts). */
export const NODE_RUNTIME = LAMBDA_NODE_RUNTIME;
const MAX_RECEIVE_COUNT = 5;

const isGone = (error: unknown) => {
  const e = error as { name?: string; Code?: string; $metadata?: { httpStatusCode?: number } };
  return (
    [
      'ResourceNotFoundException',
      'NoSuchEntity',
      'NoSuchEntityException',
      'QueueDoesNotExist',
      'AWS.SimpleQueueService.NonExistentQueue',
      'NoSuchKey',
      'NoSuchBucket',
    ].includes(e?.name ?? '') || e?.Code === 'AWS.SimpleQueueService.NonExistentQueue'
  );
};

/** Runs a delete; "already gone" counts as done. */
export async function ignoreGone(run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    if (!isGone(error)) throw error;
  }
}

export interface WorkflowNames {
  workflowName: string;
  workflowVersion: string;
  workflowId: string;
}

export interface FunctionRegionInput {
  names: WorkflowNames;
  fn: FunctionDescription;
  regionKey: RegionKey;
  zip: Uint8Array;
  /** The workflow's own IAM policy document (config iam_policy_file). */
  workflowPolicy: unknown;
  /** Environment the runtime needs (CARIBOU_* variables), merged under the function's own. */
  runtimeEnv: Record<string, string>;
  syncTable: { name: string; region: string };
  /**
   * Every function of the workflow: without `sendsTo`, the role may send to exactly their queues.
   * Both omitted: any queue of the stack's data plane, still within the boundary.
   */
  workflowFunctions?: string[];
  /**
   * Functions whose queues this function may send to (`messageTargets`): its successors and the sync
   * nodes a skipped branch settles. Preferred over `workflowFunctions` (least privilege).
   */
  sendsTo?: readonly string[];
}

/**
 * Functions a function's runtime sends messages to: the functions of its instances' successors, and
 * of the first sync node on every path from them (a skipped branch reports, and may fire, that sync node).
 */
export function messageTargets(dag: WorkflowDag, functionName: string): string[] {
  const targets = new Set<string>();
  for (const instance of Object.values(dag.instances)) {
    if (instance.function_name !== functionName) continue;
    for (const next of instance.succeeding_instances) targets.add(dag.instances[next]!.function_name);
    for (const [, sync] of instance.dependent_sync_predecessors) targets.add(dag.instances[sync]!.function_name);
  }
  return [...targets].sort();
}

/** Tags on everything the deployer creates (the stack's resources carry `caribou:stack` too). */
export function workflowTags(deps: WorkflowDeps, names: WorkflowNames, fn?: string): Record<string, string> {
  return {
    'caribou:stack': deps.controlPlane.stackPrefix,
    'caribou:workflow': names.workflowId,
    ...(fn ? { 'caribou:function': fn } : {}),
  };
}

const tagList = (tags: Record<string, string>) => Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

/** Days workflow functions' logs are kept (CARIBOU_WORKFLOW_LOG_RETENTION_DAYS, default 30). */
export function workflowLogRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const days = Number(env.CARIBOU_WORKFLOW_LOG_RETENTION_DAYS ?? '30');
  const allowed = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
  if (!allowed.includes(days))
    throw new ValidationError(
      `CARIBOU_WORKFLOW_LOG_RETENTION_DAYS must be one of CloudWatch's retention values (${allowed.join(', ')}), not ${env.CARIBOU_WORKFLOW_LOG_RETENTION_DAYS}`,
    );
  return days;
}

/** The boundary ARN the role is created with, and the account it names; refuses to go on without one. */
function boundaryOf(deps: WorkflowDeps): { arn: string; account: string } {
  const arn = deps.controlPlane.workflowBoundaryArn;
  const account = arn?.split(':')[4];
  if (!arn || !account) {
    throw new ValidationError(
      "no permissions boundary for workflow roles: set CARIBOU_WORKFLOW_BOUNDARY_ARN to the stack output workflow_boundary_arn (or CARIBOU_ARTIFACTS_BUCKET to the stack's <prefix>-artifacts-<account>-<region> bucket)",
    );
  }
  return { arn, account };
}

/**
 * What the runtime inside a function needs besides the workflow's own policy, built from the
 * workflow's analysed needs: its own queue, the queues of the workflow's functions (any region),
 * its state table, the placement, its run payloads and its own log group. Always within the boundary.
 */
export function runtimePolicy(input: FunctionRegionInput, queueArn: string, deps: WorkflowDeps): PolicyDocument {
  const cp = deps.controlPlane;
  const { account } = boundaryOf(deps);
  const region = regionCode(input.regionKey);
  const { workflowName, workflowVersion } = input.names;
  const physical = physicalName(cp.stackPrefix, workflowName, workflowVersion, input.fn.name, region);
  const senders = input.sendsTo ?? input.workflowFunctions;
  const peers = senders
    ? senders.flatMap((fn) =>
        Object.values(functionStems(cp.stackPrefix, workflowName, workflowVersion, fn)).map(
          (stem) => `arn:aws:sqs:*:${account}:${stem}_aws-*`,
        ),
      )
    : [`arn:aws:sqs:*:${account}:${cp.stackPrefix}_*`];
  const logGroupArn = `arn:aws:logs:${region}:${account}:log-group:${logGroupName(physical)}`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
        Resource: [queueArn],
      },
      ...(peers.length ? [{ Effect: 'Allow' as const, Action: ['sqs:SendMessage'], Resource: peers }] : []),
      {
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem'],
        Resource: [`arn:aws:dynamodb:${input.syncTable.region}:${account}:table/${input.syncTable.name}`],
      },
      { Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [`arn:aws:dynamodb:*:${account}:table/${cp.placementsTable}`] },
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: [`arn:aws:s3:::${cp.artifactsBucket}/payloads/${input.names.workflowId}/*`],
      },
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: [logGroupArn, `${logGroupArn}:*`] },
    ],
  };
}

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

/** Creates queue + DLQ, role, function and mapping for one function in one region. */
export async function deployFunctionRegion(
  input: FunctionRegionInput,
  deps: WorkflowDeps,
  ledger: Ledger,
): Promise<DeployedFunctionResources> {
  const region = regionCode(input.regionKey);
  const physical = physicalName(
    deps.controlPlane.stackPrefix,
    input.names.workflowName,
    input.names.workflowVersion,
    input.fn.name,
    region,
  );
  const sqs = deps.clients.sqs(region);
  const iam = deps.clients.iam(region);
  const lambda = deps.clients.lambda(region);
  const logs = deps.clients.logs(region);
  const boundary = boundaryOf(deps);
  // The stored document is validated at every use: the migrator reads it from a table.
  const problems = boundaryProblems(input.workflowPolicy, deps.controlPlane.boundaryExtraStatements);
  if (problems.length > 0) {
    throw new ValidationError(
      `the workflow's IAM policy (iam_policy_file) asks for more than workflow roles may have: ${problems.join('; ')}`,
    );
  }
  const tags = workflowTags(deps, input.names, input.fn.name);

  const dlqUrl = (
    await sqs.send(
      new CreateQueueCommand({ QueueName: queueName(physical, true), Attributes: { MessageRetentionPeriod: '1209600' }, tags }),
    )
  ).QueueUrl!;
  ledger.push({
    what: `queue ${queueName(physical, true)}`,
    run: () => ignoreGone(() => sqs.send(new DeleteQueueCommand({ QueueUrl: dlqUrl }))),
  });
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  const visibilityS = Math.min(43_200, Math.max(30, input.fn.timeout_s * 6));
  const queueUrl = (
    await sqs.send(
      new CreateQueueCommand({
        QueueName: queueName(physical),
        Attributes: {
          VisibilityTimeout: String(visibilityS),
          RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVE_COUNT }),
        },
        tags,
      }),
    )
  ).QueueUrl!;
  ledger.push({
    what: `queue ${queueName(physical)}`,
    run: () => ignoreGone(() => sqs.send(new DeleteQueueCommand({ QueueUrl: queueUrl }))),
  });
  const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;

  const role = roleName(physical);
  const roleArn = (
    await iam.send(
      new CreateRoleCommand({
        RoleName: role,
        AssumeRolePolicyDocument: TRUST,
        Description: `Caribou ${input.names.workflowId} ${input.fn.name}`,
        PermissionsBoundary: boundary.arn,
        Tags: tagList(tags),
      }),
    )
  ).Role!.Arn!;
  ledger.push({ what: `role ${role}`, run: () => deleteRole(deps, region, role) });
  await iam.send(
    new PutRolePolicyCommand({ RoleName: role, PolicyName: 'workflow', PolicyDocument: JSON.stringify(input.workflowPolicy) }),
  );
  await iam.send(
    new PutRolePolicyCommand({
      RoleName: role,
      PolicyName: 'caribou-runtime',
      PolicyDocument: JSON.stringify(runtimePolicy(input, queueArn, deps)),
    }),
  );

  const logGroup = logGroupName(physical);
  await logs.send(new CreateLogGroupCommand({ logGroupName: logGroup, tags })).catch((error: Error) => {
    if (error.name !== 'ResourceAlreadyExistsException') throw error;
  });
  ledger.push({
    what: `log group ${logGroup}`,
    run: () => ignoreGone(() => logs.send(new DeleteLogGroupCommand({ logGroupName: logGroup }))),
  });
  await logs.send(new PutRetentionPolicyCommand({ logGroupName: logGroup, retentionInDays: workflowLogRetentionDays() }));

  const environment = {
    ...input.fn.environment_variables,
    ...input.runtimeEnv,
    CARIBOU_FUNCTION_NAME: input.fn.name,
    // A crashed execution's claim expires shortly after the function's timeout, before SQS's retry.
    CARIBOU_CLAIM_LEASE_S: String(input.fn.timeout_s + 30),
  };
  let functionArn = '';
  for (let attempt = 0; ; attempt++) {
    try {
      functionArn = (
        await lambda.send(
          new CreateFunctionCommand({
            FunctionName: physical,
            Runtime: NODE_RUNTIME,
            Handler: 'index.handler',
            Role: roleArn,
            Code: { ZipFile: input.zip },
            MemorySize: input.fn.memory_mb,
            Timeout: input.fn.timeout_s,
            Environment: { Variables: environment },
            Description: `Caribou workflow ${input.names.workflowId}, function ${input.fn.name}`,
            Tags: tags,
          }),
        )
      ).FunctionArn!;
      break;
    } catch (error) {
      // A new IAM role takes a few seconds before Lambda can assume it.
      const retryable = (error as Error).name === 'InvalidParameterValueException' && /role/i.test((error as Error).message);
      if (!retryable || attempt >= 10) throw error;
      await deps.sleep(3000);
    }
  }
  ledger.push({
    what: `function ${physical}`,
    run: () => ignoreGone(() => lambda.send(new DeleteFunctionCommand({ FunctionName: physical }))),
  });
  for (let attempt = 0; attempt < 60; attempt++) {
    const state = (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: physical }))).State;
    if (!state || state === 'Active') break;
    if (state === 'Failed') throw new Error(`function ${physical} failed to become active`);
    await deps.sleep(1000);
  }
  const mapping = await lambda.send(
    new CreateEventSourceMappingCommand({
      EventSourceArn: queueArn,
      FunctionName: physical,
      BatchSize: 10,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      Enabled: true,
    }),
  );
  ledger.push({
    what: `event source mapping ${mapping.UUID}`,
    run: () => ignoreGone(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID! }))),
  });
  return {
    function_name: physical,
    function_arn: functionArn,
    queue_url: queueUrl,
    queue_arn: queueArn,
    dlq_url: dlqUrl,
    role_name: role,
    event_source_mapping_uuid: mapping.UUID!,
  };
}

export async function deleteRole(deps: WorkflowDeps, region: string, role: string): Promise<void> {
  const iam = deps.clients.iam(region);
  try {
    const policies = (await iam.send(new ListRolePoliciesCommand({ RoleName: role }))).PolicyNames ?? [];
    for (const policy of policies) await ignoreGone(() => iam.send(new DeleteRolePolicyCommand({ RoleName: role, PolicyName: policy })));
  } catch (error) {
    if (isGone(error)) return;
    throw error;
  }
  await ignoreGone(() => iam.send(new DeleteRoleCommand({ RoleName: role })));
}

/** Deletes everything a function has in a region, found by name (works after partial failures). */
export async function removeFunctionRegion(
  names: WorkflowNames,
  functionName: string,
  regionKey: RegionKey,
  deps: WorkflowDeps,
): Promise<void> {
  const region = regionCode(regionKey);
  const physical = physicalName(deps.controlPlane.stackPrefix, names.workflowName, names.workflowVersion, functionName, region);
  const lambda = deps.clients.lambda(region);
  const sqs = deps.clients.sqs(region);
  try {
    const mappings = (await lambda.send(new ListEventSourceMappingsCommand({ FunctionName: physical }))).EventSourceMappings ?? [];
    for (const m of mappings) await ignoreGone(() => lambda.send(new DeleteEventSourceMappingCommand({ UUID: m.UUID! })));
  } catch (error) {
    if (!isGone(error)) throw error;
  }
  await ignoreGone(() => lambda.send(new DeleteFunctionCommand({ FunctionName: physical })));
  for (const name of [queueName(physical), queueName(physical, true)]) {
    try {
      const url = (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl!;
      await ignoreGone(() => sqs.send(new DeleteQueueCommand({ QueueUrl: url })));
    } catch (error) {
      if (!isGone(error)) throw error;
    }
  }
  await deleteRole(deps, region, roleName(physical));
  await deleteFunctionLogGroup(names, functionName, regionKey, deps);
}

/** Deletes one function's log group in one region; a group that is already gone is fine. */
export async function deleteFunctionLogGroup(
  names: { workflowName: string; workflowVersion: string },
  functionName: string,
  regionKey: RegionKey,
  deps: WorkflowDeps,
): Promise<void> {
  const region = regionCode(regionKey);
  const physical = physicalName(deps.controlPlane.stackPrefix, names.workflowName, names.workflowVersion, functionName, region);
  await ignoreGone(() => deps.clients.logs(region).send(new DeleteLogGroupCommand({ logGroupName: logGroupName(physical) })));
}

/** The workflow's sync/state table (hash key `id`, TTL on `ttl`). */
export async function createSyncTable(
  name: string,
  region: string,
  deps: WorkflowDeps,
  ledger: Ledger,
  tags: Record<string, string> = { 'caribou:stack': deps.controlPlane.stackPrefix },
): Promise<void> {
  const dynamo = deps.clients.dynamo(region);
  await dynamo.send(
    new CreateTableCommand({
      TableName: name,
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      Tags: tagList(tags),
    }),
  );
  ledger.push({ what: `table ${name}`, run: () => ignoreGone(() => dynamo.send(new DeleteTableCommand({ TableName: name }))) });
  for (let attempt = 0; attempt < 120; attempt++) {
    const status = (await dynamo.send(new DescribeTableCommand({ TableName: name }))).Table?.TableStatus;
    if (status === 'ACTIVE') break;
    await deps.sleep(1000);
  }
  await dynamo.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } }));
}

export async function deleteSyncTable(name: string, region: string, deps: WorkflowDeps): Promise<void> {
  await ignoreGone(() => deps.clients.dynamo(region).send(new DeleteTableCommand({ TableName: name })));
}
