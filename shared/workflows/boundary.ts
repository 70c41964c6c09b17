// The permissions boundary of every workflow function's role: the most any workflow role can ever
// do, whatever policy is attached to it. The stack creates it as a managed policy
// (`<prefix>-workflow-boundary`); the deployer creates roles only with it and refuses a workflow
// policy that asks for actions outside it. Everything is scoped to the stack's `<prefix>_` names.
import { dataPlaneStart } from '../analysis/names.js';
import { ValidationError } from '../errors.js';

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
  /** Statements the stack operator adds for workflows that call other AWS services (validated). */
  extraStatements?: ExtraStatement[];
}

/**
 * One statement the operator allows workflow roles besides the stack's own needs, e.g.
 * `{ "Sid": "Uploads", "Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::user-uploads/*"] }`.
 * Allow only, no conditions: a workflow's policy may then ask for these actions on these resources.
 */
export interface ExtraStatement {
  Sid?: string;
  Action: string[];
  Resource: string[];
}

/** Stack parameter (JSON array of ExtraStatement) read by `make synth`, local mode's stack and the deployers. */
export const BOUNDARY_EXTRA_ENV = 'CARIBOU_BOUNDARY_EXTRA_STATEMENTS';

/** Services whose actions never go into the boundary: identity and role handling are privilege escalation. */
const FORBIDDEN_SERVICES = new Set(['iam', 'sts', 'organizations', 'account', 'sso']);
const ACTION_RE = /^([a-z0-9-]+):([A-Za-z0-9*?]+)$/;

/** What is wrong with a list of extra boundary statements (empty when it is valid). */
export function extraStatementProblems(list: unknown): string[] {
  if (!Array.isArray(list))
    return ['expected a JSON array of statements like {"Action": ["s3:GetObject"], "Resource": ["arn:aws:s3:::bucket/*"]}'];
  const problems: string[] = [];
  list.forEach((raw, i) => {
    const at = `statement ${i}`;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
      return void problems.push(`${at}: expected an object with Action and Resource`);
    const st = raw as Record<string, unknown>;
    for (const key of Object.keys(st)) {
      if (!['Sid', 'Action', 'Resource'].includes(key))
        problems.push(`${at}: ${key} is not allowed (extra statements are Allow statements of Action and Resource only)`);
    }
    if (st.Sid !== undefined && (typeof st.Sid !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(st.Sid)))
      problems.push(`${at}: Sid must be 1-64 letters or digits`);
    const actions = Array.isArray(st.Action) ? st.Action : [];
    if (actions.length === 0) problems.push(`${at}: Action must be a non-empty list of service:Action names`);
    for (const action of actions) {
      const match = typeof action === 'string' ? ACTION_RE.exec(action) : null;
      if (!match) problems.push(`${at}: ${JSON.stringify(action)} is not a service:Action name (a bare "*" is never allowed)`);
      else if (FORBIDDEN_SERVICES.has(match[1]!))
        problems.push(`${at}: ${action}: no ${match[1]} actions in workflow roles (privilege escalation)`);
      else if (match[2] === '*') problems.push(`${at}: ${action}: name the actions instead of every action of ${match[1]}`);
    }
    const resources = Array.isArray(st.Resource) ? st.Resource : [];
    if (resources.length === 0) problems.push(`${at}: Resource must be a non-empty list of ARNs`);
    for (const resource of resources) {
      if (typeof resource !== 'string' || !(resource === '*' || resource.startsWith('arn:')))
        problems.push(`${at}: ${JSON.stringify(resource)} is not an ARN`);
    }
  });
  return problems;
}

/** Validated extra statements (throws a ValidationError naming `source` and every problem). */
export function validExtraStatements(list: unknown, source = BOUNDARY_EXTRA_ENV): ExtraStatement[] {
  const problems = extraStatementProblems(list);
  if (problems.length > 0) throw new ValidationError(`${source}: ${problems.join('; ')}`);
  return (list as ExtraStatement[]).map((s) => ({ ...(s.Sid ? { Sid: s.Sid } : {}), Action: [...s.Action], Resource: [...s.Resource] }));
}

/** The extra statements of BOUNDARY_EXTRA_ENV (none when unset). */
export function extraStatementsFromEnv(env: NodeJS.ProcessEnv = process.env): ExtraStatement[] {
  const text = env[BOUNDARY_EXTRA_ENV]?.trim();
  if (!text) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ValidationError(`${BOUNDARY_EXTRA_ENV} is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  return validExtraStatements(parsed);
}

export const workflowBoundaryName = (stackPrefix: string) => `${stackPrefix}-workflow-boundary`;
export const workflowBoundaryArn = (account: string, stackPrefix: string) =>
  `arn:aws:iam::${account}:policy/${workflowBoundaryName(stackPrefix)}`;

export const WORKFLOW_QUEUE_ACTIONS = [
  'sqs:SendMessage',
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibility',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
];
export const WORKFLOW_STATE_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
];
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
      {
        Sid: 'WorkflowStateTables',
        Effect: 'Allow',
        Action: WORKFLOW_STATE_ACTIONS,
        Resource: [`arn:aws:dynamodb:*:${account}:table/${start}sync-*`],
      },
      {
        Sid: 'PlacementRead',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem'],
        Resource: [`arn:aws:dynamodb:*:${account}:table/${scope.placementsTable}`],
      },
      {
        Sid: 'RunPayloads',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: [`arn:aws:s3:::${scope.artifactsBucket}/payloads/*`],
      },
      {
        Sid: 'OwnLogs',
        Effect: 'Allow',
        Action: WORKFLOW_LOG_ACTIONS,
        Resource: [
          `arn:aws:logs:*:${account}:log-group:/aws/lambda/${start}*`,
          `arn:aws:logs:*:${account}:log-group:/aws/lambda/${start}*:*`,
        ],
      },
      { Sid: 'Tracing', Effect: 'Allow', Action: WORKFLOW_TRACING_ACTIONS, Resource: ['*'] },
      ...validExtraStatements(scope.extraStatements ?? [], 'boundary extra statements').map((extra, i) => ({
        Sid: extra.Sid ?? `Extra${i}`,
        Effect: 'Allow' as const,
        Action: extra.Action,
        Resource: extra.Resource,
      })),
    ],
  };
}

/** Every action the boundary can allow (lower-case: IAM action names are case-insensitive). */
const BOUNDARY_ACTIONS = new Set(
  [
    ...WORKFLOW_QUEUE_ACTIONS,
    ...WORKFLOW_STATE_ACTIONS,
    'dynamodb:GetItem',
    's3:GetObject',
    's3:PutObject',
    ...WORKFLOW_LOG_ACTIONS,
    ...WORKFLOW_TRACING_ACTIONS,
  ].map((a) => a.toLowerCase()),
);

/** IAM's wildcard match: `*` any run of characters, `?` one character (never a wildcard of the
 * other pattern, so a pattern is covered only when everything it can match is). */
function globCovers(pattern: string, value: string, caseInsensitive = false): boolean {
  const p = caseInsensitive ? pattern.toLowerCase() : pattern;
  const v = caseInsensitive ? value.toLowerCase() : value;
  const escaped = p
    .replace(/[.+^$(){}|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '[^*?]');
  return new RegExp(`^${escaped}$`, 's').test(v);
}

const asList = (value: unknown): unknown[] => (typeof value === 'string' ? [value] : Array.isArray(value) ? value : []);

/**
 * Checks a workflow's own policy document (config `iam_policy_file`, stored in the workflows table)
 * before it is attached. An allowed action must be one of the stack's own (no wildcards, no
 * NotAction), or be covered, with every resource it names, by one of the operator's extra
 * statements (BOUNDARY_EXTRA_ENV). Anything else would be silently ineffective on AWS; refusing
 * it tells the author, and refuses a document someone changed in the table to ask for more.
 */
export function boundaryProblems(document: unknown, extra: ExtraStatement[] = []): string[] {
  const problems: string[] = [];
  const list = asList((document as { Statement?: unknown })?.Statement);
  if (list.length === 0) return ['the policy has no Statement'];
  list.forEach((raw, index) => {
    const statement = raw as { Effect?: string; Action?: unknown; NotAction?: unknown; Resource?: unknown; NotResource?: unknown };
    if (statement.Effect === 'Deny') return;
    if (statement.NotAction !== undefined) problems.push(`statement ${index}: NotAction is not allowed (it grants everything else)`);
    const resources = asList(statement.Resource).filter((r): r is string => typeof r === 'string');
    for (const action of asList(statement.Action)) {
      if (typeof action === 'string' && BOUNDARY_ACTIONS.has(action.toLowerCase())) continue;
      const name = String(action);
      const covering = typeof action === 'string' ? extra.filter((e) => e.Action.some((a) => globCovers(a, action, true))) : [];
      if (covering.length === 0) {
        problems.push(
          `statement ${index}: ${name} is outside the workflow permissions boundary${extra.length ? '' : ` (the stack operator can allow it with ${BOUNDARY_EXTRA_ENV})`}`,
        );
        continue;
      }
      if (statement.NotResource !== undefined || resources.length === 0) {
        problems.push(
          `statement ${index}: ${name} needs a Resource list within the boundary's (${covering.flatMap((e) => e.Resource).join(', ')})`,
        );
        continue;
      }
      for (const resource of resources) {
        if (!covering.some((e) => e.Resource.some((r) => globCovers(r, resource)))) {
          problems.push(
            `statement ${index}: ${name} on ${resource} is outside the workflow permissions boundary (it allows ${name} on ${covering.flatMap((e) => e.Resource).join(', ')})`,
          );
        }
      }
    }
  });
  return problems;
}

export const isWithinBoundaryAction = (action: string) => BOUNDARY_ACTIONS.has(action.toLowerCase());
