// The action router's core: one typed action in, one seed-style answer out. No AWS here; stores,
// the dispatcher and the workflow client are injected.
import { randomUUID } from 'node:crypto';
import { parseAction, parseInternalEvent } from '../../shared/contracts/validate.js';
import type { ActionOf, AnyAction, InternalActionType } from '../../shared/contracts/actions.js';
import { LABOURER_OF_TYPE, type Dispatcher, type LabourerId, type WorkItem } from '../../shared/contracts/internal.js';
import { LoopGuardError, NotFoundError, NotImplementedYetError, ValidationError } from '../../shared/errors.js';
import { childCausation } from '../../shared/guards/loop-guard.js';

export interface Answer {
  status: number;
  [field: string]: unknown;
}

export interface RouterDeps {
  version: string;
  /** Ids of deployed workflows (workflows table). */
  listWorkflowIds(): Promise<string[]>;
  /** Ids of workflows with a solved plan waiting for the migrator (solver staging table). */
  listStagedWorkflowIds(): Promise<string[]>;
  /** Ids of workflows whose unused regional deployments are due for the migrator's clean-up. */
  listCleanupDueWorkflowIds?(): Promise<string[]>;
  /** Fan-out goes here; undefined while no orchestrator is available. */
  dispatcher?: Dispatcher;
  /** Whether the service that owns a labourer's work is built (manifest status). */
  isAvailable(labourer: LabourerId): boolean;
  /** Workflow client (run/remove); undefined while not available. */
  workflows?: {
    run(request: { workflowId: string; argument?: unknown }): Promise<{ runId: string }>;
    remove(request: { workflowId: string }): Promise<void>;
  };
  newRootId?: () => string;
}

export const ok = (fields: Record<string, unknown>): Answer => ({ status: 200, ...fields });
export const notAvailable = (what: string): Answer => ({ status: 501, message: `${what} is not available yet` });

/** Parses and routes; every expected failure becomes an answer, unexpected ones are thrown. */
export async function routeAction(input: unknown, deps: RouterDeps, rootId?: string): Promise<Answer> {
  try {
    const action = parseAction(input);
    return await handle(action, deps, rootId ?? deps.newRootId?.() ?? randomUUID());
  } catch (error) {
    if (error instanceof ValidationError || error instanceof LoopGuardError) return { status: 400, message: error.message };
    if (error instanceof NotFoundError) return { status: 404, message: error.message };
    if (error instanceof NotImplementedYetError) return { status: 501, message: error.message };
    throw error;
  }
}

async function handle(action: AnyAction, deps: RouterDeps, rootId: string): Promise<Answer> {
  switch (action.action) {
    case 'version':
      return ok({ version: deps.version });
    case 'list':
      return ok({ workflows: [...(await deps.listWorkflowIds())].sort() });
    case 'run': {
      if (!deps.workflows) return notAvailable('run');
      const { runId } = await deps.workflows.run({ workflowId: action.workflow_id, argument: action.argument });
      return ok({ run_id: runId });
    }
    case 'remove': {
      if (!deps.workflows) return notAvailable('remove');
      await deps.workflows.remove({ workflowId: action.workflow_id });
      return ok({ message: `Workflow ${action.workflow_id} removal started` });
    }
    case 'log_sync': {
      const ids = await deps.listWorkflowIds();
      const tasks = await fanOut(
        deps,
        'log_sync',
        'log-syncer',
        ids.map((id) => item('sync_workflow', { workflow_id: id }, rootId)),
      );
      return tasks ?? ok({ message: 'Log sync started', workflows: ids.length });
    }
    case 'manage_deployments': {
      const type = action.deployment_metrics_calculator_type;
      const ids = await deps.listWorkflowIds();
      const items = ids.map((id) => item('check_workflow', { workflow_id: id, deployment_metrics_calculator_type: type }, rootId));
      const refused = await fanOut(deps, 'manage_deployments', 'deployment-manager', items);
      return refused ?? ok({ message: `Deployment check started, using ${type} calculator`, workflows: ids.length });
    }
    case 'run_deployment_migrator': {
      // A staged plan to apply, or unused regions to remove: both are one re_deploy_workflow task.
      const ids = [...new Set([...(await deps.listStagedWorkflowIds()), ...((await deps.listCleanupDueWorkflowIds?.()) ?? [])])];
      const refused = await fanOut(
        deps,
        'run_deployment_migrator',
        'migrator',
        ids.map((id) => item('re_deploy_workflow', { workflow_id: id }, rootId)),
      );
      return refused ?? ok({ message: 'Deployment migrator started', workflows: ids.length });
    }
    case 'data_collect': {
      // `all` runs provider, carbon and performance (not workflow), as the Python system did.
      const collectors = action.collector === 'all' ? (['provider', 'carbon', 'performance'] as const) : [action.collector];
      const items = collectors.map((collector) =>
        item('collect_data', collector === 'workflow' ? { collector, workflow_id: action.workflow_id } : { collector }, rootId),
      );
      const refused = await fanOut(deps, 'data_collect', 'data-collectors', items);
      return refused ?? ok({ scheduled_collector: action.collector, workflow_id: action.workflow_id ?? null });
    }
    case 'internal_action':
      return forwardInternal(action, deps, rootId);
  }
}

function item<T extends InternalActionType>(type: T, event: WorkItem<T>['event'], rootId: string, hop = 0): WorkItem<T> {
  return { type, event, parent: { root_id: rootId, hop } };
}

/** Returns an answer when the fan-out cannot happen, undefined when every item was dispatched. */
async function fanOut(deps: RouterDeps, action: string, labourer: LabourerId, items: WorkItem[]): Promise<Answer | undefined> {
  // The hop limit first (a looping or forged event is a 400 whether or not its labourer is built),
  // for every item before anything is written.
  for (const workItem of items) childCausation(workItem.parent);
  if (!deps.isAvailable(labourer)) return notAvailable(action);
  if (!deps.dispatcher) return notAvailable(`${action} (the orchestrator)`);
  if (items.length > 0) await deps.dispatcher.dispatch(items);
  return undefined;
}

/**
 * A seed `internal_action` sent to the router (by hand, or by the Python system's tooling) becomes
 * a task for its labourer, so it gets an idempotency key and passes the orchestrator's limits. When
 * it carries our causation meta, the hop count continues from it (the loop guard applies).
 */
async function forwardInternal(action: ActionOf<'internal_action'>, deps: RouterDeps, rootId: string): Promise<Answer> {
  const labourer = LABOURER_OF_TYPE[action.type];
  const parent = action.meta ? { root_id: action.meta.root_id, hop: action.meta.hop } : { root_id: rootId, hop: 0 };
  const workItem = { type: action.type, event: parseInternalEvent(action.type, action.event), parent } as WorkItem;
  const refused = await fanOut(deps, `internal_action ${action.type}`, labourer, [workItem]);
  return refused ?? ok({ message: `internal_action ${action.type} accepted for ${labourer}` });
}
