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
  /**
   * IAM condition block, rendered as is after placeholder substitution (`${account}`, `${region}`,
   * `${prefix}`, `${workflowBoundary}` = the ARN of the stack's workflow permissions boundary).
   * The stack adds GUARDED_ACTIONS' conditions itself, whatever a spec says.
   */
  conditions?: Record<string, Record<string, string | string[]>>;
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
// `<prefix>_<workflow>-<version>-<function>_aws-<region>` (shared/analysis/names.ts). A stack prefix
// never contains `_`, so `<prefix>_*` matches this stack's workflows only: not another stack's (even
// one whose prefix starts the same) and not the control plane's own `<prefix>-<service>` resources.
export const DATA_PLANE = {
  functions: 'arn:aws:lambda:*:${account}:function:${prefix}_*',
  /** Mapping ARNs carry only a UUID: grants on them are conditioned on the function (see ESM_OF_STACK). */
  eventSourceMappings: 'arn:aws:lambda:*:${account}:event-source-mapping:*',
  queues: 'arn:aws:sqs:*:${account}:${prefix}_*',
  roles: 'arn:aws:iam::${account}:role/${prefix}_*',
  // One state table per workflow in its home region (shared/analysis/names.ts, ADR 0400).
  syncTables: 'arn:aws:dynamodb:*:${account}:table/${prefix}_sync-*',
  logGroups: 'arn:aws:logs:*:${account}:log-group:/aws/lambda/${prefix}_*',
};

/** Event source mappings may be created/deleted only for this stack's workflow functions. */
export const ESM_OF_STACK = { ArnLike: { 'lambda:FunctionArn': DATA_PLANE.functions } };

/**
 * Actions that could escalate privileges, and the condition the stack always attaches to them:
 * roles are created and given policies only with the stack's workflow permissions boundary, and
 * passed only to Lambda. terraform/stack.ts splits them into their own statements.
 */
export const GUARDED_ACTIONS: Record<string, Record<string, Record<string, string>>> = {
  'iam:CreateRole': { StringEquals: { 'iam:PermissionsBoundary': '${workflowBoundary}' } },
  'iam:PutRolePolicy': { StringEquals: { 'iam:PermissionsBoundary': '${workflowBoundary}' } },
  'iam:AttachRolePolicy': { StringEquals: { 'iam:PermissionsBoundary': '${workflowBoundary}' } },
  'iam:PassRole': { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
};

/**
 * What creating a workflow function in a region needs besides its main calls: tagging what it
 * creates and the function's log group with its retention (shared/workflows/resources.ts).
 */
export const WORKFLOW_DEPLOY_EXTRAS: PermissionSpec[] = [
  {
    actions: ['lambda:TagResource'],
    resources: [{ kind: 'pattern', arn: DATA_PLANE.functions }],
    why: 'tag workflow functions (stack, workflow, function)',
  },
  { actions: ['sqs:TagQueue'], resources: [{ kind: 'pattern', arn: DATA_PLANE.queues }], why: 'tag workflow queues' },
  { actions: ['iam:TagRole'], resources: [{ kind: 'pattern', arn: DATA_PLANE.roles }], why: 'tag workflow roles' },
  {
    actions: ['logs:CreateLogGroup', 'logs:PutRetentionPolicy', 'logs:TagResource'],
    resources: [{ kind: 'pattern', arn: DATA_PLANE.logGroups }],
    why: "create workflow functions' log groups with a retention",
  },
];

/** Actions AWS authorizes only against resource "*" (no resource-level permissions). */
export const ACTIONS_WITHOUT_RESOURCE_LEVEL = new Set([
  'cloudwatch:GetMetricData',
  'lambda:ListEventSourceMappings',
  'lambda:CreateEventSourceMapping',
  'pricing:GetProducts',
  'ec2:DescribeRegions',
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
]);

/**
 * A labourer: fed only by its internal types' rules, one task per message (each may take minutes),
 * idempotency + tasks tables, and the permission to nudge the orchestrator after a report.
 */
function labourer(
  id: LabourerId,
  spec: {
    description: string;
    status?: ServiceSpec['status'];
    memoryMiB?: number;
    tables: ServiceSpec['tables'];
    permissions?: PermissionSpec[];
  },
): ServiceSpec {
  return {
    id,
    description: spec.description,
    status: spec.status ?? 'planned',
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
    description:
      'Accepts every public action (EventBridge, SQS, direct invoke), answers list/version/run/remove, turns fan-out actions into tasks.',
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
      {
        actions: ['sqs:SendMessage'],
        resources: [{ kind: 'queue', service: 'orchestrator' }],
        why: 'nudge the orchestrator after creating tasks',
      },
      {
        actions: ['sqs:SendMessage', 'sqs:GetQueueUrl', 'sqs:DeleteQueue', 'sqs:GetQueueAttributes'],
        resources: [{ kind: 'pattern', arn: DATA_PLANE.queues }],
        why: 'run: send the entry message; remove: delete workflow queues',
      },
      {
        actions: ['lambda:DeleteFunction', 'lambda:GetFunction', 'lambda:GetFunctionConfiguration'],
        resources: [{ kind: 'pattern', arn: DATA_PLANE.functions }],
        why: 'remove: delete workflow functions',
      },
      {
        actions: ['lambda:DeleteEventSourceMapping'],
        resources: [{ kind: 'pattern', arn: DATA_PLANE.eventSourceMappings }],
        conditions: ESM_OF_STACK,
        why: "remove: delete the functions' queue mappings",
      },
      {
        actions: ['lambda:ListEventSourceMappings'],
        resources: [{ kind: 'pattern', arn: '*' }],
        why: "remove: find the functions' queue mappings (no resource-level permissions)",
      },
      {
        actions: ['iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'],
        resources: [{ kind: 'pattern', arn: DATA_PLANE.roles }],
        why: 'remove: delete workflow roles',
      },
      {
        actions: ['dynamodb:DeleteTable', 'dynamodb:DescribeTable', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
        resources: [{ kind: 'pattern', arn: DATA_PLANE.syncTables }],
        why: 'run/remove: workflow state tables',
      },
      {
        actions: ['logs:DeleteLogGroup'],
        resources: [{ kind: 'pattern', arn: DATA_PLANE.logGroups }],
        why: "remove: delete workflow functions' log groups",
      },
      {
        actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
        resources: [{ kind: 'artifacts-bucket', objects: true }],
        why: 'run: large payloads travel by reference; remove: delete code artifacts',
      },
      { actions: ['s3:ListBucket'], resources: [{ kind: 'artifacts-bucket', objects: false }], why: "remove: list a workflow's artifacts" },
    ],
    consumes: [],
  },
  {
    id: 'orchestrator',
    description:
      'sosw-style orchestrator + scavenger: releases queued tasks to labourers within their limits and health, retries and archives.',
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
    description: "Reads workflow functions' runtime logs and reconstructs per-run summaries.",
    status: 'available',
    tables: [
      { id: 'workflows', access: 'read' },
      { id: 'workflow-summaries', access: 'readwrite' },
    ],
    permissions: [
      { actions: ['logs:FilterLogEvents'], resources: [{ kind: 'pattern', arn: DATA_PLANE.logGroups }], why: 'read workflow runtime logs' },
    ],
  }),
  labourer('data-collectors', {
    description: 'Provider, carbon, performance and workflow collectors.',
    status: 'available',
    memoryMiB: 512,
    tables: [
      { id: 'collector-data', access: 'readwrite' },
      { id: 'workflow-summaries', access: 'read' },
      { id: 'workflows', access: 'read' },
    ],
    permissions: [
      // Neither action has resource-level permissions: AWS requires "*" as the resource.
      {
        actions: ['pricing:GetProducts'],
        resources: [{ kind: 'pattern', arn: '*' }],
        why: 'provider collector: live prices (AWS Price List Query API)',
      },
      { actions: ['ec2:DescribeRegions'], resources: [{ kind: 'pattern', arn: '*' }], why: 'collectors: regions enabled for the account' },
      {
        actions: ['ssm:GetParameter'],
        // services/data-collectors/config.ts tokenParameterName: its own SecureString only.
        resources: [
          { kind: 'pattern', arn: 'arn:aws:ssm:${region}:${account}:parameter/${prefix}/data-collectors/electricity-maps-token' },
        ],
        why: 'carbon collector: the Electricity Maps token (SecureString)',
      },
    ],
  }),
  labourer('deployment-manager', {
    description: 'Token budget per workflow; runs the solver and stages plans.',
    status: 'available',
    memoryMiB: 1769,
    // workflows: bookkeeping on the workflow's item; collector-data: the solver's documents (the
    // workflow collector step writes the workflow document);
    // solver-staging: staged plans; workflow-summaries: the log syncer's summaries (collector input).
    tables: [
      { id: 'workflows', access: 'readwrite' },
      { id: 'collector-data', access: 'readwrite' },
      { id: 'solver-staging', access: 'readwrite' },
      { id: 'workflow-summaries', access: 'read' },
    ],
  }),
  {
    ...labourer('migrator', {
      description:
        'Deploys functions into the regions a plan chose, publishes the plan to the placement document, removes regions no plan used for a grace period.',
      tables: [
        { id: 'workflows', access: 'readwrite' },
        { id: 'placements', access: 'readwrite' },
        { id: 'solver-staging', access: 'readwrite' },
      ],
      permissions: [
        {
          actions: [
            'lambda:CreateFunction',
            'lambda:GetFunction',
            'lambda:GetFunctionConfiguration',
            'lambda:DeleteFunction',
            'lambda:InvokeFunction',
          ],
          resources: [{ kind: 'pattern', arn: DATA_PLANE.functions }],
          why: "create workflow functions in new regions, read the home function's environment, health-check invoke, remove unused regions",
        },
        {
          actions: ['lambda:CreateEventSourceMapping'],
          resources: [{ kind: 'pattern', arn: '*' }],
          conditions: ESM_OF_STACK,
          why: "connect new functions to their queues (only this stack's functions)",
        },
        {
          actions: ['lambda:ListEventSourceMappings'],
          resources: [{ kind: 'pattern', arn: '*' }],
          why: 'find mappings to remove (no resource-level permissions)',
        },
        {
          actions: ['lambda:DeleteEventSourceMapping'],
          resources: [{ kind: 'pattern', arn: DATA_PLANE.eventSourceMappings }],
          conditions: ESM_OF_STACK,
          why: "rollback and clean-up: remove the functions' queue mappings",
        },
        {
          actions: ['iam:CreateRole', 'iam:GetRole', 'iam:PutRolePolicy', 'iam:DeleteRole', 'iam:DeleteRolePolicy', 'iam:ListRolePolicies'],
          resources: [{ kind: 'pattern', arn: DATA_PLANE.roles }],
          why: 'roles of workflow functions in new regions (created with the boundary, recognised, removed)',
        },
        {
          actions: ['iam:PassRole'],
          resources: [{ kind: 'pattern', arn: DATA_PLANE.roles }],
          why: 'give the new functions their roles, and only to Lambda',
        },
        {
          actions: ['sqs:CreateQueue', 'sqs:GetQueueUrl', 'sqs:GetQueueAttributes', 'sqs:SetQueueAttributes', 'sqs:DeleteQueue'],
          resources: [{ kind: 'pattern', arn: DATA_PLANE.queues }],
          why: 'queues and DLQs of workflow functions in new regions',
        },
        {
          actions: ['s3:GetObject'],
          resources: [{ kind: 'artifacts-bucket', objects: true }],
          why: 'read code artifacts (passed to CreateFunction as bytes)',
        },
        {
          actions: ['logs:DeleteLogGroup'],
          resources: [{ kind: 'pattern', arn: DATA_PLANE.logGroups }],
          why: "clean-up: remove unused regions' log groups",
        },
        ...WORKFLOW_DEPLOY_EXTRAS,
      ],
    }),
    status: 'available',
  },
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
