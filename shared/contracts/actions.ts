// Public actions: exactly the seed's JSON (docs/events.md). Field names stay snake_case.
import { z } from 'zod';

// Loose on purpose: the seed's own examples use "workflow_name-version_number"; the deployer enforces
// the strict name/version limits, and an unknown id is answered with 404.
export const WORKFLOW_ID_PATTERN = /^[A-Za-z0-9_]{1,64}-[A-Za-z0-9_.]{1,32}$/;
export const workflowId = z
  .string({ error: 'expected a workflow id string "<workflow_name>-<version>"' })
  .regex(WORKFLOW_ID_PATTERN, 'expected "<workflow_name>-<version>", e.g. "image_processing-0.0.1"');

/** `go` names the Python system's Go accelerator; here it selects our fastest calculator. */
export const calculatorType = z.enum(['simple', 'go'], {
  error: 'expected "simple" or "go"',
});

export const collectorName = z.enum(['provider', 'carbon', 'performance', 'workflow', 'all'], {
  error: 'expected one of "provider", "carbon", "performance", "workflow", "all"',
});

export const listAction = z.object({ action: z.literal('list') });
export const versionAction = z.object({ action: z.literal('version') });
export const runAction = z.object({
  action: z.literal('run'),
  // The Python system silently did nothing without a workflow id; we answer 400 instead.
  workflow_id: workflowId,
  argument: z.unknown().optional(),
});
export const removeAction = z.object({ action: z.literal('remove'), workflow_id: workflowId });
export const logSyncAction = z.object({ action: z.literal('log_sync') });
export const dataCollectAction = z
  .object({
    action: z.literal('data_collect'),
    collector: collectorName,
    workflow_id: workflowId.optional(),
  })
  .refine((a) => a.collector !== 'workflow' || a.workflow_id !== undefined, {
    path: ['workflow_id'],
    message: 'required when collector is "workflow"',
  });
export const manageDeploymentsAction = z.object({
  action: z.literal('manage_deployments'),
  deployment_metrics_calculator_type: calculatorType.default('simple'),
});
export const runDeploymentMigratorAction = z.object({ action: z.literal('run_deployment_migrator') });

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

export const syncWorkflowEvent = z.object({ workflow_id: workflowId });
export const checkWorkflowEvent = z.object({
  workflow_id: workflowId,
  deployment_metrics_calculator_type: calculatorType,
});
export const runDeploymentAlgorithmEvent = z.object({
  workflow_id: workflowId,
  deployment_metrics_calculator_type: calculatorType,
  solve_hours: z.array(solveHour).min(1, 'expected at least one solve hour'),
  leftover_tokens: z.number({ error: 'expected an integer number of tokens' }).int('expected an integer number of tokens'),
  /** Ours (optional): the search the budget paid for; absent (the seed's payload) → the workflow's configured one. */
  deployment_algorithm: z.enum(['coarse', 'fine', 'stochastic'], { error: 'expected "coarse", "fine" or "stochastic"' }).optional(),
});
export const reDeployWorkflowEvent = z.object({ workflow_id: workflowId });
/** Ours: collectors are their own service, so data collection is an internal event too. */
export const collectDataEvent = z
  .object({
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
export const internalMeta = z.object({
  /** The task id; consumers process each key at most once. */
  idempotency_key: z.string().min(1),
  /** Id of the public action (or schedule firing) this event descends from. */
  root_id: z.string().min(1),
  /** Number of internal emissions between the root action and this event (root's children: 1). */
  hop: z.number().int().min(1),
  task_id: z.string().min(1).optional(),
  /** Which claim of the task this delivery is (1 = first); lets the WorkerAssistant ignore stale reports. */
  attempt: z.number().int().min(1).optional(),
});
export type InternalMeta = z.output<typeof internalMeta>;

export const internalAction = z.object({
  action: z.literal('internal_action'),
  type: z.enum(INTERNAL_ACTION_TYPES as [InternalActionType, ...InternalActionType[]], {
    error: `expected one of ${INTERNAL_ACTION_TYPES.map((t) => `"${t}"`).join(', ')}`,
  }),
  event: z.record(z.string(), z.unknown(), { error: 'expected an object with the type\'s parameters' }),
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
