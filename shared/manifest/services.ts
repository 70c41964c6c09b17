// The typed service manifest: the one description of the control plane that drives both the cdktf
// stack (terraform/stack.ts) and local mode. Everything a service needs — handler bundle, sizing,
// queue + DLQ, the EventBridge rules and schedules that feed it, tables and IAM — is declared here.
import type { InternalActionType } from '../contracts/actions.js';
import {
  INTERNAL_EVENT_SOURCE,
  LABOURER_OF_TYPE,
  PUBLIC_ACTION_DETAIL_TYPE,
  PUBLIC_ACTION_SOURCE,
  internalDetailType,
  type LabourerId,
} from '../contracts/internal.js';
import type { TableId } from './tables.js';

export type ServiceId = 'action-router' | 'orchestrator' | LabourerId;

/** A reference the stack resolves to an ARN of its own resources. */
export type ResourceRef =
  | { kind: 'bus' }
  | { kind: 'queue'; service: ServiceId }
  | { kind: 'artifacts-bucket'; objects: boolean }
  /** Data-plane resources a service manages at run time, named by the workflow deployer's convention. */
  | { kind: 'pattern'; arn: string };

export interface PermissionSpec {
  /** Never a wildcard action: the synth tests reject `*` in any action. */
  actions: string[];
  resources: ResourceRef[];
  why: string;
}

export interface RuleSpec {
  /** Suffix of the rule name `<prefix>-<service>-<name>`. */
  name: string;
  description: string;
  /** EventBridge pattern on the custom bus; `source` always lists the only allowed emitters. */
  pattern: { source: string[]; 'detail-type': string[] };
}

export interface ScheduleSpec {
  /** Timer name from caribou-spec §2.3 (rule `<prefix>-<name>-timer-rule`). */
  name: string;
  /** AWS `cron(...)` or `rate(...)` expression (UTC). */
  expression: string;
  /** Constant input: the action payload the schedule sends to the service's queue. */
  input: Record<string, unknown>;
}

export interface QueueSpec {
  visibilityTimeoutS: number;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  batchSize: number;
  maximumBatchingWindowS: number;
  /** Event source mapping's maximum concurrency (2..1000). */
  maximumConcurrency: number;
}

export interface ServiceSpec {
  id: ServiceId;
  description: string;
  /** `available`: built and answering; `planned`: its owning issue is not done yet (answers 501). */
  status: 'available' | 'planned';
  /** Entry file bundled by esbuild into dist/<id>/index.mjs (export `handler`). */
  handler: string;
  memoryMiB: number;
  timeoutS: number;
  queue: QueueSpec;
  rules: RuleSpec[];
  schedules: ScheduleSpec[];
  tables: { id: TableId; access: 'read' | 'readwrite' }[];
  permissions: PermissionSpec[];
  /** Internal action types this service consumes (each has exactly one consumer). */
  consumes: InternalActionType[];
}

const queue = (overrides: Partial<QueueSpec> = {}): QueueSpec => ({
  visibilityTimeoutS: 180,
  maxReceiveCount: 5,
  batchSize: 10,
  maximumBatchingWindowS: 1,
  maximumConcurrency: 5,
  ...overrides,
});

/** One rule per internal type, accepting only the orchestrator as source (loop guard, §3 design). */
function internalRules(types: InternalActionType[]): RuleSpec[] {
  return types.map((type) => ({
    name: type.replaceAll('_', '-'),
    description: `internal_action ${type}, released by the orchestrator`,
    pattern: { source: [INTERNAL_EVENT_SOURCE], 'detail-type': [internalDetailType(type)] },
  }));
}

function typesOf(labourer: LabourerId): InternalActionType[] {
  return (Object.keys(LABOURER_OF_TYPE) as InternalActionType[]).filter((t) => LABOURER_OF_TYPE[t] === labourer);
}

/** Labourers report task outcomes through the WorkerAssistant, which nudges the orchestrator. */
const nudgeOrchestrator: PermissionSpec = {
  actions: ['sqs:SendMessage'],
  resources: [{ kind: 'queue', service: 'orchestrator' }],
  why: 'nudge the orchestrator after reporting a task',
};

/** Every consumer of internal events records processed keys and reports task outcomes. */
const labourerTables = [
  { id: 'idempotency', access: 'readwrite' },
  { id: 'tasks', access: 'readwrite' },
] as const;

/** The six default timers of the Python remote CLI (caribou-spec §2.3), sent to the router. */
export const DEFAULT_SCHEDULES: readonly ScheduleSpec[] = [
  { name: 'provider_collector', expression: 'cron(5 0 1 * ? *)', input: { action: 'data_collect', collector: 'provider' } },
  { name: 'carbon_collector', expression: 'cron(30 0 * * ? *)', input: { action: 'data_collect', collector: 'carbon' } },
  { name: 'performance_collector', expression: 'cron(30 0 * * ? *)', input: { action: 'data_collect', collector: 'performance' } },
  { name: 'log_syncer', expression: 'cron(5 0 * * ? *)', input: { action: 'log_sync' } },
  {
    name: 'deployment_manager',
    expression: 'cron(0 1 * * ? *)',
    input: { action: 'manage_deployments', deployment_metrics_calculator_type: 'simple' },
  },
  { name: 'deployment_migrator', expression: 'cron(0 2 * * ? *)', input: { action: 'run_deployment_migrator' } },
];

// Data-plane resources (created by `caribou deploy` and the migrator at run time) are named
// `<workflow>-<version>-<function>_aws-<region>`; they are not the stack's, so they are matched by
// account and the `-` / `_aws-` shape rather than by an ARN the stack knows.
const DATA_PLANE = {
  functions: 'arn:aws:lambda:*:${account}:function:*_aws-*',
  eventSourceMappings: 'arn:aws:lambda:*:${account}:event-source-mapping:*',
  queues: 'arn:aws:sqs:*:${account}:*_aws-*',
  roles: 'arn:aws:iam::${account}:role/*_aws-*',
  // One state table per workflow in its home region (shared/analysis/names.ts, ADR 0400).
  syncTables: 'arn:aws:dynamodb:*:${account}:table/caribou-sync-*',
  logGroups: 'arn:aws:logs:*:${account}:log-group:/aws/lambda/*_aws-*',
};

/** Actions AWS authorizes only against resource "*" (no resource-level permissions). */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL = new Set(['cloudwatch:GetMetricData', 'lambda:ListEventSourceMappings', 'lambda:CreateEventSourceMapping']);

/**
 * A labourer: fed only by its internal types' rules, one task per message (each may take minutes),
 * idempotency + tasks tables, and the permission to nudge the orchestrator after a report.
 */
function labourer(
  id: LabourerId,
  spec: { description: string; memoryMiB?: number; tables: ServiceSpec['tables']; permissions?: PermissionSpec[] },
): ServiceSpec {
  return {
    id,
    description: spec.description,
    status: 'planned',
    handler: `services/${id}/handler.ts`,
    memoryMiB: spec.memoryMiB ?? 1024,
    timeoutS: 900,
    queue: queue({ visibilityTimeoutS: 5400, batchSize: 1 }),
    rules: internalRules(typesOf(id)),
    schedules: [],
    tables: [...spec.tables, ...labourerTables],
    permissions: [nudgeOrchestrator, ...(spec.permissions ?? [])],
    consumes: typesOf(id),
  };
}

export const SERVICES: readonly ServiceSpec[] = [
  {
    id: 'action-router',
    description: 'Accepts every public action (EventBridge, SQS, direct invoke), answers list/version/run/remove, turns fan-out actions into tasks.',
    status: 'available',
    handler: 'services/action-router/handler.ts',
    memoryMiB: 512,
    timeoutS: 60,
    queue: queue({ visibilityTimeoutS: 360 }),
    rules: [
      {
        name: 'public-actions',
        description: 'Public actions put on the bus by the caribou CLI or an operator',
        pattern: { source: [PUBLIC_ACTION_SOURCE], 'detail-type': [PUBLIC_ACTION_DETAIL_TYPE] },
      },
    ],
    schedules: [...DEFAULT_SCHEDULES],
    tables: [
      { id: 'workflows', access: 'readwrite' },
      { id: 'placements', access: 'readwrite' },
      { id: 'solver-staging', access: 'readwrite' },
      { id: 'workflow-summaries', access: 'readwrite' },
      { id: 'collector-data', access: 'readwrite' },
      { id: 'tasks', access: 'readwrite' },
    ],
    permissions: [
      { actions: ['sqs:SendMessage'], resources: [{ kind: 'queue', service: 'orchestrator' }], why: 'nudge the orchestrator after creating tasks' },
      { actions: ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:DeleteQueue', 'sqs:GetQueueAttributes'], resources: [{ kind: 'pattern', arn: DATA_PLANE.queues }], why: 'run: send the entry message; remove: delete workflow queues' },
      { actions: ['lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration'], resources: [{ kind: 'pattern', arn: DATA_PLANE.functions }], why: 'remove: delete workflow functions' },
      { actions: ['lambda:DeleteEventSourceMapping'], resources: [{ kind: 'pattern', arn: DATA_PLANE.eventSourceMappings }], why: 'remove: delete the functions\' queue mappings' },
      { actions: ['lambda:ListEventSourceMappings'], resources: [{ kind: 'pattern', arn: '*' }], why: 'remove: find the functions\' queue mappings (no resource-level permissions)' },
      { actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'], resources: [{ kind: 'pattern', arn: DATA_PLANE.roles }], why: 'remove: delete workflow roles' },
      { actions: ['dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'], resources: [{ kind: 'pattern', arn: DATA_PLANE.syncTables }], why: 'run/remove: workflow state tables' },
      { actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [{ kind: 'artifacts-bucket', objects: true }], why: 'run: large payloads travel by reference; remove: delete code artifacts' },
      { actions: ['s3:ListBucket'], resources: [{ kind: 'artifacts-bucket', objects: false }], why: 'remove: list a workflow\'s artifacts' },
    ],
    consumes: [],
  },
  {
    id: 'orchestrator',
    description: 'sosw-style orchestrator + scavenger: releases queued tasks to labourers within their limits and health, retries and archives.',
    status: 'available',
    handler: 'services/orchestrator/handler.ts',
    memoryMiB: 512,
    timeoutS: 60,
    queue: queue({ visibilityTimeoutS: 360, maximumConcurrency: 2 }),
    rules: [],
    schedules: [{ name: 'orchestrator', expression: 'rate(1 minute)', input: { source: 'caribou.schedule', reason: 'orchestrator tick' } }],
    tables: [
      { id: 'tasks', access: 'readwrite' },
      { id: 'closed-tasks', access: 'readwrite' },
      { id: 'retry-tasks', access: 'readwrite' },
    ],
    permissions: [
      { actions: ['events:PutEvents'], resources: [{ kind: 'bus' }], why: 'release tasks as internal events' },
      // GetMetricData has no resource-level permissions: AWS requires "*" as its resource.
      { actions: ['cloudwatch:GetMetricData'], resources: [{ kind: 'pattern', arn: '*' }], why: 'ecology: labourer health metrics' },
    ],
    consumes: [],
  },
  labourer('log-syncer', {
    description: 'Reads workflow functions\' runtime logs and reconstructs per-run summaries.',
    tables: [{ id: 'workflows', access: 'read' }, { id: 'workflow-summaries', access: 'readwrite' }],
    permissions: [
      { actions: ['logs:FilterLogEvents', 'logs:DescribeLogStreams'], resources: [{ kind: 'pattern', arn: DATA_PLANE.logGroups }], why: 'read workflow runtime logs' },
    ],
  }),
  labourer('data-collectors', {
    description: 'Provider, carbon, performance and workflow collectors.',
    tables: [{ id: 'collector-data', access: 'readwrite' }, { id: 'workflow-summaries', access: 'read' }, { id: 'workflows', access: 'read' }],
  }),
  labourer('deployment-manager', {
    description: 'Token budget per workflow; runs the solver and stages plans.',
    memoryMiB: 1769,
    tables: [{ id: 'workflows', access: 'readwrite' }, { id: 'collector-data', access: 'read' }, { id: 'solver-staging', access: 'readwrite' }],
  }),
  labourer('migrator', {
    description: 'Deploys functions into the regions a plan chose and publishes the plan to the placement document.',
    tables: [{ id: 'workflows', access: 'read' }, { id: 'placements', access: 'readwrite' }, { id: 'solver-staging', access: 'readwrite' }],
    permissions: [
      { actions: ['lambda:CreateFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration'], resources: [{ kind: 'pattern', arn: DATA_PLANE.functions }], why: 'create workflow functions in new regions' },
      { actions: ['lambda:CreateEventSourceMapping', 'lambda:ListEventSourceMappings'], resources: [{ kind: 'pattern', arn: '*' }], why: 'connect new functions to their queues (no resource-level permissions)' },
      { actions: ['iam:PassRole', 'iam:CreateRole', 'iam:PutRolePolicy', 'iam:GetRole'], resources: [{ kind: 'pattern', arn: DATA_PLANE.roles }], why: 'roles of workflow functions' },
      { actions: ['sqs:CreateQueue', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes'], resources: [{ kind: 'pattern', arn: DATA_PLANE.queues }], why: 'queues of workflow functions' },
      { actions: ['s3:GetObject', 's3:PutObject'], resources: [{ kind: 'artifacts-bucket', objects: true }], why: 'copy code artifacts to new regions' },
    ],
  }),
];

export function serviceSpec(id: ServiceId): ServiceSpec {
  const spec = SERVICES.find((s) => s.id === id);
  if (!spec) throw new Error(`unknown service ${id}`);
  return spec;
}

/** Physical names derived from the stack's prefix: one place, used by the stack, local mode and the CLI. */
export const names = {
  bus: (prefix: string) => `${prefix}-bus`,
  function: (prefix: string, service: ServiceId) => `${prefix}-${service}`,
  queue: (prefix: string, service: ServiceId) => `${prefix}-${service}`,
  dlq: (prefix: string, service: ServiceId) => `${prefix}-${service}-dlq`,
  rule: (prefix: string, service: ServiceId, rule: string) => `${prefix}-${service}-${rule}`,
  scheduleRule: (prefix: string, schedule: string) => `${prefix}-${schedule}-timer-rule`,
  role: (prefix: string, service: ServiceId) => `${prefix}-${service}-role`,
  logGroup: (prefix: string, service: ServiceId) => `/aws/lambda/${prefix}-${service}`,
};
