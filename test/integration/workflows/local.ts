// Shared setup of the workflow suites in local mode: a running local mode (no control-plane stack:
// the suites create the tables and bucket they need from shared/manifest/tables.ts, which is faster) and
// helpers to deploy, run, follow and inspect workflows.
import { ListFunctionsCommand, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { createControlPlane } from './moto.js';
import { clients } from '../../../shared/aws/clients.js';
import { controlPlaneFromEnv, type WorkflowDeps } from '../../../shared/workflows/env.js';

export interface WorkflowSuite {
  local: LocalModeHandle;
  deps: WorkflowDeps;
  env: Record<string, string>;
}

export async function startWorkflowSuite(prefix: string): Promise<WorkflowSuite> {
  const local = await startLocalMode({ withStack: false });
  const tables = await createControlPlane(prefix, local.region);
  Object.assign(process.env, tables);
  const deps: WorkflowDeps = {
    controlPlane: controlPlaneFromEnv({ ...process.env, ...tables }),
    clients,
    now: () => new Date(),
    progress: () => undefined,
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
  };
  return { local, deps, env: { ...local.env, ...tables } };
}

/** Everything of a workflow that remove must delete, read back through the AWS APIs. */
export async function resourcesOf(workflowName: string, workflowId: string, deps: WorkflowDeps, region = 'us-east-1') {
  // Data-plane names start with the stack's `<prefix>_` (shared/analysis/names.ts).
  const prefix = `${deps.controlPlane.stackPrefix}_${workflowName}`;
  const functions = ((await clients.lambda(region).send(new ListFunctionsCommand({}))).Functions ?? [])
    .map((f) => f.FunctionName!)
    .filter((n) => n.startsWith(prefix));
  const mappings = ((await clients.lambda(region).send(new ListEventSourceMappingsCommand({}))).EventSourceMappings ?? []).filter((m) =>
    String(m.FunctionArn).includes(prefix),
  );
  const queues = (await clients.sqs(region).send(new ListQueuesCommand({ QueueNamePrefix: prefix }))).QueueUrls ?? [];
  const roles = ((await clients.iam(region).send(new ListRolesCommand({}))).Roles ?? [])
    .map((r) => r.RoleName!)
    .filter((n) => n.startsWith(prefix));
  const tables = ((await clients.dynamo(region).send(new ListTablesCommand({}))).TableNames ?? []).filter((n) =>
    n.startsWith(`${deps.controlPlane.stackPrefix}_sync-${workflowName}`),
  );
  const objects = (
    (await clients.s3('us-east-1').send(new ListObjectsV2Command({ Bucket: deps.controlPlane.artifactsBucket }))).Contents ?? []
  )
    .map((o) => o.Key!)
    .filter((k) => k.includes(workflowId));
  const items = (
    (await clients.doc('us-east-1').send(new ScanCommand({ TableName: deps.controlPlane.workflowsTable }))).Items ?? []
  ).filter((i) => i.workflow_id === workflowId).length;
  const placements = (
    (await clients.doc('us-east-1').send(new ScanCommand({ TableName: deps.controlPlane.placementsTable }))).Items ?? []
  ).filter((i) => i.workflow_id === workflowId).length;
  const logGroups = (
    (await clients.logs(region).send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/${prefix}` }))).logGroups ?? []
  ).map((g) => g.logGroupName!);
  return { functions, mappings: mappings.length, queues, roles, tables, logGroups, objects, items, placements };
}

export const NO_RESOURCES = {
  functions: [],
  mappings: 0,
  queues: [],
  roles: [],
  tables: [],
  logGroups: [],
  objects: [],
  items: 0,
  placements: 0,
};
