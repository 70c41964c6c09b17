// In-memory stand-ins for the router's injected stores and dispatcher (unit tier: no network).
import type { Dispatcher, DispatchResult, LabourerId, WorkItem } from '../../../shared/contracts/internal.js';
import type { RouterDeps } from '../../../services/action-router/core.js';

export class RecordingDispatcher implements Dispatcher {
  readonly items: WorkItem[] = [];
  async dispatch(items: readonly WorkItem[]): Promise<DispatchResult> {
    this.items.push(...items);
    return { task_ids: items.map((_, i) => `task-${this.items.length - items.length + i}`) };
  }
}

export function fakeDeps(overrides: Partial<RouterDeps> & { available?: LabourerId[] } = {}): RouterDeps {
  const { available = [], ...rest } = overrides;
  return {
    version: '9.9.9',
    listWorkflowIds: async () => ['b_flow-0.0.1', 'a_flow-0.0.2'],
    listStagedWorkflowIds: async () => ['a_flow-0.0.2'],
    isAvailable: (labourer) => available.includes(labourer),
    newRootId: () => 'root-1',
    ...rest,
  };
}
