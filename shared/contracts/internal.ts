// Internal work: which service (labourer) owns each internal_action type, how an internal event
// travels on the bus, and the interface fan-out goes through.
import type { InternalActionType, InternalEventOf, InternalMeta } from './actions.js';

/** Control-plane services that consume internal events ("labourers" in sosw terms). */
export type LabourerId = 'log-syncer' | 'data-collectors' | 'deployment-manager' | 'migrator';

export const LABOURER_OF_TYPE: Record<InternalActionType, LabourerId> = {
  sync_workflow: 'log-syncer',
  collect_data: 'data-collectors',
  check_workflow: 'deployment-manager',
  run_deployment_algorithm: 'deployment-manager',
  re_deploy_workflow: 'migrator',
};

/**
 * Which internal types handling each type may emit (through the Dispatcher, as follow-up work).
 * The one declaration of every emission: labourers emit only through `followUp`
 * (shared/guards/loop-guard.ts), which refuses a type not listed here; the loop-prevention proof
 * (test/unit/security/loop-prevention.test.ts) builds the emission graph from this map and the manifest.
 */
export const EMITS: Record<InternalActionType, readonly InternalActionType[]> = {
  // A log sync that could not finish in one invocation continues in a follow-up task.
  sync_workflow: ['sync_workflow'],
  collect_data: [],
  // A workflow with enough tokens left gets its solve as a separate task.
  check_workflow: ['run_deployment_algorithm'],
  run_deployment_algorithm: [],
  re_deploy_workflow: [],
};

/** EventBridge `source` of the only service allowed to put internal events on the bus. */
export const INTERNAL_EVENT_SOURCE = 'caribou.orchestrator';
/** EventBridge `source` of public actions put on the bus by the CLI or an operator. */
export const PUBLIC_ACTION_SOURCE = 'caribou.cli';
export const PUBLIC_ACTION_DETAIL_TYPE = 'caribou.action';
export const internalDetailType = (type: InternalActionType): string => `caribou.internal_action.${type}`;

/** Internal events may not be emitted past this many hops from their root action. */
export const MAX_INTERNAL_HOPS = 4;

/** The JSON an internal event carries (EventBridge `detail`, or a direct invoke of the router). */
export interface InternalActionMessage<T extends InternalActionType = InternalActionType> {
  action: 'internal_action';
  type: T;
  event: InternalEventOf<T>;
  meta: InternalMeta;
}

/** A unit of fan-out work, addressed to the labourer that owns its type. */
export interface WorkItem<T extends InternalActionType = InternalActionType> {
  type: T;
  event: InternalEventOf<T>;
  /** Causation of the emitter: the new item gets hop = parent hop + 1 (a public action is hop 0). */
  parent: { root_id: string; hop: number };
}

export interface DispatchResult {
  /** One id per accepted item, in order; each becomes the item's idempotency key. */
  task_ids: string[];
}

/**
 * The one way fan-out work leaves a service. The orchestrator's implementation creates tasks in its
 * tasks table; it enforces the hop limit (LoopGuardError) before anything is written.
 */
export interface Dispatcher {
  dispatch(items: readonly WorkItem[]): Promise<DispatchResult>;
}
