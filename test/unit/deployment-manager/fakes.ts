// In-memory implementations of the deployment manager's ports (the core's own interfaces), with a
// journal of writes so tests can check what was written and in which order.
import type { WorkflowDocument } from '../../../shared/contracts/collected-data.js';
import type { DispatchResult, Dispatcher, WorkItem } from '../../../shared/contracts/internal.js';
import type { DeploymentManagerState, StagedPlan } from '../../../shared/contracts/staged-plan.js';
import type { DeploymentManagerPorts, ManagedWorkflow } from '../../../services/deployment-manager/core/ports.js';
import type { WorkflowRecord } from '../../../shared/workflows/record.js';
import { regionDocs, type FixtureRegion } from '../../fixtures/collected.js';

export interface Fakes {
  ports: DeploymentManagerPorts;
  journal: string[];
  dispatched: WorkItem[];
  staged: StagedPlan[];
  state(): DeploymentManagerState | undefined;
}

export function fakePorts(o: {
  workflow: WorkflowDocument | undefined;
  regions: FixtureRegion[];
  state?: DeploymentManagerState;
  now: Date;
  systemRegion?: string;
  record?: Partial<WorkflowRecord>;
}): Fakes {
  const journal: string[] = [];
  const dispatched: WorkItem[] = [];
  const staged: StagedPlan[] = [];
  const docs = regionDocs(o.regions);
  let item: ManagedWorkflow = {
    workflow_id: o.workflow?.workflow_id ?? 'wf-0.0.1',
    home_region: o.workflow?.homeRegion ?? 'aws:us-east-1',
    ...(o.record ?? {}),
    ...(o.state ? { deployment_manager: o.state } : {}),
  } as ManagedWorkflow;
  const dispatcher: Dispatcher = {
    async dispatch(items: readonly WorkItem[]): Promise<DispatchResult> {
      journal.push(`dispatch ${items.map((i) => i.type).join(',')}`);
      dispatched.push(...items);
      return { task_ids: items.map((_, i) => `task-${dispatched.length + i}`) };
    },
  };
  const ports: DeploymentManagerPorts = {
    workflows: {
      get: async (id) => (id === item.workflow_id ? structuredClone(item) : undefined),
      writeState: async (_id, state) => {
        journal.push(`state ${state.last_decision?.outcome ?? ''}`);
        item = { ...item, deployment_manager: structuredClone(state) };
        return true;
      },
    },
    collected: {
      workflow: async () => o.workflow,
      regionDocuments: async () => docs,
    },
    collectWorkflow: async () => {
      journal.push('collect');
      return o.workflow;
    },
    staging: {
      put: async (plan) => {
        journal.push('stage');
        staged.push(plan);
      },
    },
    dispatcher,
    systemRegion: o.systemRegion ?? 'aws:us-east-1',
    now: () => o.now,
    remainingMs: () => 120_000,
  };
  return { ports, journal, dispatched, staged, state: () => item.deployment_manager };
}
