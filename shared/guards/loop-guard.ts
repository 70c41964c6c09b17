// Loop prevention: every internal event carries its root action id and hop count; nothing may be
// emitted past MAX_INTERNAL_HOPS, so no configuration of rules and services can recur forever.
import { LoopGuardError } from '../errors.js';
import { EMITS, MAX_INTERNAL_HOPS, type InternalActionMessage, type WorkItem } from '../contracts/internal.js';
import type { InternalActionType, InternalEventOf } from '../contracts/actions.js';

export interface Causation {
  root_id: string;
  hop: number;
}

/** The causation of an event emitted while handling `parent`; throws when it would pass the limit. */
export function childCausation(parent: Causation, maxHops: number = MAX_INTERNAL_HOPS): Causation {
  if (!Number.isInteger(parent.hop) || parent.hop < 0) {
    throw new LoopGuardError(`hop count must be a non-negative integer, got ${String(parent.hop)}`);
  }
  const hop = parent.hop + 1;
  if (hop > maxHops) {
    throw new LoopGuardError(
      `refusing to emit an internal event at hop ${hop} (limit ${maxHops}) for root action ${parent.root_id}: this looks like a loop`,
    );
  }
  return { root_id: parent.root_id, hop };
}

/** A received internal event must itself be within the limit (a forged or looping event is dropped). */
export function assertWithinHopLimit(causation: Causation, maxHops: number = MAX_INTERNAL_HOPS): void {
  if (causation.hop > maxHops) {
    throw new LoopGuardError(`received an internal event at hop ${causation.hop}, past the limit ${maxHops} (root ${causation.root_id})`);
  }
}

/** EventBridge delivers only from allowed sources (rule patterns); consumers check it again. */
export function assertAllowedSource(source: string | undefined, allowed: readonly string[]): void {
  if (source === undefined || !allowed.includes(source)) {
    throw new LoopGuardError(`event source ${JSON.stringify(source)} is not allowed here; expected one of ${allowed.join(', ')}`);
  }
}

/**
 * The work item a labourer emits while handling `parent`: only a type `EMITS` declares for the
 * parent's type, with the parent's causation (the Dispatcher adds the hop and enforces the limit;
 * it is checked here too, so a refused emission fails before any work).
 */
export function followUp<T extends InternalActionType>(
  parent: InternalActionMessage,
  type: T,
  event: InternalEventOf<T>,
  maxHops: number = MAX_INTERNAL_HOPS,
): WorkItem<T> {
  if (!EMITS[parent.type].includes(type)) {
    throw new LoopGuardError(
      `a ${parent.type} task may not emit ${type}; declared emissions: ${EMITS[parent.type].join(', ') || 'none'} (shared/contracts/internal.ts EMITS)`,
    );
  }
  const causation = { root_id: parent.meta.root_id, hop: parent.meta.hop };
  childCausation(causation, maxHops);
  return { type, event, parent: causation };
}
