// The permissions boundary of every workflow function's role: the most any workflow role can ever
// do, whatever policy is attached to it. The stack creates it as a managed policy
// (`<prefix>-workflow-boundary`); the deployer creates roles only with it and refuses a workflow
// policy that asks for actions outside it. Everything is scoped to the stack's `<prefix>_` names.
import { dataPlaneStart } from '../analysis/names.js';

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

export interface BoundaryScope {
  /** Account id (or a Terraform token resolving to it). */
  account: string;
  stackPrefix: string;
  artifactsBucket: string;
  placementsTable: string;
}

export const workflowBoundaryName = (stackPrefix: string) => `${stackPrefix}-workflow-boundary`;
export const workflowBoundaryArn = (account: string, stackPrefix: string) => `arn:aws:iam::${account}:policy/${workflowBoundaryName(stackPrefix)}`;

export const WORKFLOW_QUEUE_ACTIONS = ['sqs:SendMessage', 'sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'];
export const WORKFLOW_STATE_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
export const WORKFLOW_LOG_ACTIONS = ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'];
/** X-Ray has no resource-level permissions. */
export const WORKFLOW_TRACING_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** What a workflow function may need at most: its stack's queues, state tables, placement, run payloads, own logs, traces. */
export function workflowBoundaryPolicy(scope: BoundaryScope): PolicyDocument {
  const start = dataPlaneStart(scope.stackPrefix);
  const { account } = scope;
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'WorkflowQueues', Effect: 'Allow', Action: WORKFLOW_QUEUE_ACTIONS, Resource: [`arn:aws:sqs:*:${account}:${start}*`] },
      { Sid: 'WorkflowStateTables', Effect: 'Allow', Action: WORKFLOW_STATE_ACTIONS, Resource: [`arn:aws:dynamodb:*:${account}:table/${start}sync-*`] },
      { Sid: 'PlacementRead', Effect: 'Allow', Action: ['dynamodb:GetItem'], Resource: [`arn:aws:dynamodb:*:${account}:table/${scope.placementsTable}`] },
      { Sid: 'RunPayloads', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`arn:aws:s3:::${scope.artifactsBucket}/payloads/*`] },
      {
        Sid: 'OwnLogs',
        Effect: 'Allow',
        Action: WORKFLOW_LOG_ACTIONS,
        Resource: [`arn:aws:logs:*:${account}:log-group:/aws/lambda/${start}*`, `arn:aws:logs:*:${account}:log-group:/aws/lambda/${start}*:*`],
      },
      { Sid: 'Tracing', Effect: 'Allow', Action: WORKFLOW_TRACING_ACTIONS, Resource: ['*'] },
    ],
  };
}

/** Every action the boundary can allow (lower-case: IAM action names are case-insensitive). */
const BOUNDARY_ACTIONS = new Set(
  [...WORKFLOW_QUEUE_ACTIONS, ...WORKFLOW_STATE_ACTIONS, 'dynamodb:GetItem', 's3:GetObject', 's3:PutObject', ...WORKFLOW_LOG_ACTIONS, ...WORKFLOW_TRACING_ACTIONS].map((a) => a.toLowerCase()),
);

/**
 * Checks a workflow's own policy document (config `iam_policy_file`, stored in the workflows table)
 * before it is attached: every allowed action must be one the boundary allows — no wildcards, no
 * NotAction. An action outside the boundary would be silently ineffective on AWS; refusing it tells
 * the author, and refuses a document someone changed in the table to ask for more.
 */
export function boundaryProblems(document: unknown): string[] {
  const problems: string[] = [];
  const statements = (document as { Statement?: unknown })?.Statement;
  const list = Array.isArray(statements) ? statements : statements ? [statements] : [];
  if (list.length === 0) return ['the policy has no Statement'];
  list.forEach((raw, index) => {
    const statement = raw as { Effect?: string; Action?: unknown; NotAction?: unknown };
    if (statement.Effect === 'Deny') return;
    if (statement.NotAction !== undefined) problems.push(`statement ${index}: NotAction is not allowed (it grants everything else)`);
    const actions = typeof statement.Action === 'string' ? [statement.Action] : Array.isArray(statement.Action) ? statement.Action : [];
    for (const action of actions) {
      if (typeof action !== 'string' || !BOUNDARY_ACTIONS.has(action.toLowerCase())) problems.push(`statement ${index}: ${String(action)} is outside the workflow permissions boundary`);
    }
  });
  return problems;
}

export const isWithinBoundaryAction = (action: string) => BOUNDARY_ACTIONS.has(action.toLowerCase());
