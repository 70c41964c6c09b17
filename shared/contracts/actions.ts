// Public actions: exactly the seed's JSON (docs/events.md). Field names stay snake_case.
import { z } from 'zod';

// The name follows the deployer's rule (shared/analysis/names.ts: 1-25 of A-Z a-z 0-9 _). The version
// is looser than the deployer's digits-and-dots because the seed's own examples use
// "workflow_name-version_number", but it must be dot-separated non-empty segments (no "a-..");
// an id that passes and is not deployed is answered with 404.
export const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9_]{1,25}-(?=.{1,32}$)[A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)*$/;
export const workflowId = z
  .string({ error: 'expected a workflow id string "<workflow_name>-<version>"' })
  .regex(
    WORKFLOW_ID_PATTERN,
    'expected "<workflow_name>-<version>", e.g. "image_processing-0.0.1" (name: 1-25 of A-Z a-z 0-9 _; version: at most 32 characters, dot-separated segments of A-Z a-z 0-9 _)',
  );

/** Deepest nesting of `run.argument` accepted (its serialization must never exhaust the stack). */
export const RUN_ARGUMENT_MAX_DEPTH = 32;
/**
 * Largest serialized `run.argument`: the entry message carries it inline in one SQS message
 * (262,144 bytes) beside the run context (plan snapshot, endpoints), for which 62 KiB are kept.
 */
export const RUN_ARGUMENT_MAX_BYTES = 200_000;

/** Nesting depth of a JSON value, computed without recursion (a hostile value cannot overflow the stack). */
export function jsonDepthExceeds(value: unknown, maxDepth: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    if (depth + 1 > maxDepth) return true;
    for (const child of Object.values(current)) if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
  }
  return false;
}

/** Any JSON value bounded in depth and serialized size; a JSON string is checked as the value it encodes. */
export const boundedJson = (maxDepth: number, maxBytes: number) =>
  z.unknown().superRefine((value, ctx) => {
    let decoded = value;
    if (typeof value === 'string') {
      try {
        decoded = JSON.parse(value);
      } catch {
        decoded = value;
      }
    }
    if (jsonDepthExceeds(decoded, maxDepth)) {
      ctx.addIssue({ code: 'custom', message: `nested deeper than ${maxDepth} levels` });
      return;
    }
    const size = Buffer.byteLength(typeof value === 'string' ? value : (JSON.stringify(value) ?? ''), 'utf8');
    if (size > maxBytes) ctx.addIssue({ code: 'custom', message: `${size} bytes serialized; at most ${maxBytes} are accepted` });
  });

/** Ids the system writes into keys and logs (task ids, root action ids, idempotency keys). */
export const ID_PATTERN = /^[A-Za-z0-9._:#/@+=-]{1,128}$/;
export const boundedId = z
  .string({ error: 'expected an id string' })
  .regex(ID_PATTERN, 'expected 1-128 characters of A-Z a-z 0-9 . _ : # / @ + = -');

/** `go` names the Python system's Go accelerator; here it selects our fastest calculator. */
export const calculatorType = z.enum(['simple', 'go'], {
  error: 'expected "simple" or "go"',
});

export const collectorName = z.enum(['provider', 'carbon', 'performance', 'workflow', 'all'], {
  error: 'expected one of "provider", "carbon", "performance", "workflow", "all"',
});

export const listAction = z.strictObject({ action: z.literal('list') });
export const versionAction = z.strictObject({ action: z.literal('version') });
export const runAction = z.strictObject({
  action: z.literal('run'),
  // The Python system silently did nothing without a workflow id; we answer 400 instead.
  workflow_id: workflowId,
  argument: boundedJson(RUN_ARGUMENT_MAX_DEPTH, RUN_ARGUMENT_MAX_BYTES).optional(),
});
export const removeAction = z.strictObject({ action: z.literal('remove'), workflow_id: workflowId });
export const logSyncAction = z.strictObject({ action: z.literal('log_sync') });
export const dataCollectAction = z
  .strictObject({
    action: z.literal('data_collect'),
    collector: collectorName,
    workflow_id: workflowId.optional(),
  })
  .refine((a) => a.collector !== 'workflow' || a.workflow_id !== undefined, {
    path: ['workflow_id'],
    message: 'required when collector is "workflow"',
  });
export const manageDeploymentsAction = z.strictObject({
  action: z.literal('manage_deployments'),
  deployment_metrics_calculator_type: calculatorType.default('simple'),
});
export const runDeploymentMigratorAction = z.strictObject({ action: z.literal('run_deployment_migrator') });

// ---- internal_action ---------------------------------------------------------------------------

/** Solve hours arrive as strings in the seed ("0", "6") and as numbers from us; both mean UTC hours. */
export const solveHour = z.union([z.number(), z.string()]).transform((value, ctx) => {
  const hour = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(hour) || hour < 0 || hour > 23 || (typeof value === 'string' && value.trim() === '')) {
    ctx.addIssue({ code: 'custom', message: `expected an hour 0..23, got ${JSON.stringify(value)}` });
    return z.NEVER;
  }
  return hour;
});

export const syncWorkflowEvent = z.strictObject({ workflow_id: workflowId });
export const checkWorkflowEvent = z.strictObject({
  workflow_id: workflowId,
  deployment_metrics_calculator_type: calculatorType,
});
export const runDeploymentAlgorithmEvent = z.strictObject({
  workflow_id: workflowId,
  deployment_metrics_calculator_type: calculatorType,
  solve_hours: z
    .array(solveHour, { error: 'expected an array of hours 0..23' })
    .min(1, 'expected at least one solve hour')
    .max(24, 'expected at most 24 solve hours (one per hour of the day)')
    .refine((hours) => new Set(hours).size === hours.length, 'expected each hour at most once'),
  leftover_tokens: z
    .number({ error: 'expected an integer number of tokens' })
    .int('expected an integer number of tokens')
    .min(0, 'expected a number of tokens >= 0')
    .max(1_000_000, 'expected at most 1000000 tokens'),
  /** Ours (optional): the search the budget paid for; absent (the seed's payload) → the workflow's configured one. */
  deployment_algorithm: z.enum(['coarse', 'fine', 'stochastic'], { error: 'expected "coarse", "fine" or "stochastic"' }).optional(),
});
export const reDeployWorkflowEvent = z.strictObject({ workflow_id: workflowId });
/** Ours: collectors are their own service, so data collection is an internal event too. */
export const collectDataEvent = z
  .strictObject({
    collector: z.enum(['provider', 'carbon', 'performance', 'workflow'], {
      error: 'expected one of "provider", "carbon", "performance", "workflow"',
    }),
    workflow_id: workflowId.optional(),
  })
  .refine((e) => e.collector !== 'workflow' || e.workflow_id !== undefined, {
    path: ['workflow_id'],
    message: 'required when collector is "workflow"',
  });

export const INTERNAL_EVENT_SCHEMAS = {
  sync_workflow: syncWorkflowEvent,
  check_workflow: checkWorkflowEvent,
  run_deployment_algorithm: runDeploymentAlgorithmEvent,
  re_deploy_workflow: reDeployWorkflowEvent,
  collect_data: collectDataEvent,
} as const;

export type InternalActionType = keyof typeof INTERNAL_EVENT_SCHEMAS;
export const INTERNAL_ACTION_TYPES = Object.keys(INTERNAL_EVENT_SCHEMAS) as InternalActionType[];
/** The four types of the seed; `collect_data` is ours. */
export const SEED_INTERNAL_ACTION_TYPES: readonly InternalActionType[] = [
  'sync_workflow',
  'check_workflow',
  'run_deployment_algorithm',
  're_deploy_workflow',
];

export type InternalEventOf<T extends InternalActionType> = z.output<(typeof INTERNAL_EVENT_SCHEMAS)[T]>;

/** Causation metadata every internal event carries (absent on seed payloads sent by hand). */
export const internalMeta = z.strictObject({
  /** The task id; consumers process each key at most once. */
  idempotency_key: boundedId,
  /** Id of the public action (or schedule firing) this event descends from. */
  root_id: boundedId,
  /** Number of internal emissions between the root action and this event (root's children: 1). */
  hop: z
    .number({ error: 'expected an integer hop count >= 1' })
    .int('expected an integer hop count >= 1')
    .min(1, 'expected an integer hop count >= 1'),
  task_id: boundedId.optional(),
  /** Which claim of the task this delivery is (1 = first); lets the WorkerAssistant ignore stale reports. */
  attempt: z
    .number({ error: 'expected an integer attempt >= 1' })
    .int('expected an integer attempt >= 1')
    .min(1, 'expected an integer attempt >= 1')
    .max(1_000, 'expected at most 1000 attempts')
    .optional(),
});
export type InternalMeta = z.output<typeof internalMeta>;

export const internalAction = z.strictObject({
  action: z.literal('internal_action'),
  type: z.enum(INTERNAL_ACTION_TYPES as [InternalActionType, ...InternalActionType[]], {
    error: `expected one of ${INTERNAL_ACTION_TYPES.map((t) => `"${t}"`).join(', ')}`,
  }),
  event: z.record(z.string(), z.unknown(), { error: "expected an object with the type's parameters" }),
  meta: internalMeta.optional(),
});

export const PUBLIC_ACTION_SCHEMAS = {
  list: listAction,
  version: versionAction,
  run: runAction,
  remove: removeAction,
  log_sync: logSyncAction,
  data_collect: dataCollectAction,
  manage_deployments: manageDeploymentsAction,
  run_deployment_migrator: runDeploymentMigratorAction,
  internal_action: internalAction,
} as const;

export type ActionName = keyof typeof PUBLIC_ACTION_SCHEMAS;
export const ACTION_NAMES = Object.keys(PUBLIC_ACTION_SCHEMAS) as ActionName[];
export type ActionOf<A extends ActionName> = z.output<(typeof PUBLIC_ACTION_SCHEMAS)[A]>;
export type AnyAction = { [A in ActionName]: ActionOf<A> }[ActionName];
