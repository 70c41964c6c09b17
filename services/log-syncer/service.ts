// Wiring of the log syncer: one sync_workflow task → one (possibly continued) sync of a workflow.
import type { InternalActionMessage } from '../../shared/contracts/internal.js';
import { clients } from '../../shared/aws/clients.js';
import { taskDispatcherFromEnv } from '../../shared/orchestrator/from-env.js';
import type { Dispatcher } from '../../shared/contracts/internal.js';
import { CloudWatchLogSource } from './adapters/cloudwatch-logs.js';
import { DynamoSummaryStore } from './adapters/summary-store.js';
import { loadWorkflowToSync } from './adapters/workflows.js';
import type { LogSyncerConfig } from './config.js';
import type { FollowUp, SummaryStore } from './core/ports.js';
import { TransientError } from '../../shared/errors.js';
import { syncWorkflow, type SyncResult } from './core/sync.js';

/**
 * A continuation is the same unit of work, not a new fan-out: it keeps the task's root and hop
 * (parent = one hop above), so a long sync is not cut by the hop limit; every task reads at least
 * one page, so a chain always ends.
 */
export function continuationFollowUp(dispatcher: Dispatcher, meta: InternalActionMessage['meta']): FollowUp {
  return {
    request: async (workflowId) => {
      await dispatcher.dispatch([
        { type: 'sync_workflow', event: { workflow_id: workflowId }, parent: { root_id: meta.root_id, hop: meta.hop - 1 } },
      ]);
    },
  };
}

export type SyncTaskResult = SyncResult | { workflow_id: string; status: 'not-deployed' };

export function logSyncer(config: LogSyncerConfig, env: NodeJS.ProcessEnv = process.env) {
  const doc = clients.doc();
  const logs = new CloudWatchLogSource({ client: (region) => clients.logs(region), attempts: config.throttleAttempts });
  const store = new DynamoSummaryStore(doc, config.summariesTable);
  let dispatcher: Dispatcher | undefined;
  return async (message: InternalActionMessage, remainingMs: () => number): Promise<SyncTaskResult> => {
    const workflowId = (message.event as { workflow_id: string }).workflow_id;
    const workflow = await loadWorkflowToSync(doc, config.workflowsTable, workflowId);
    if (!workflow) return { workflow_id: workflowId, status: 'not-deployed' };
    dispatcher ??= taskDispatcherFromEnv(env);
    const failFirst = config.faultFailFirstAttempt && (message.meta.attempt ?? 1) === 1;
    return syncWorkflow(workflow, {
      logs,
      store: failFirst ? failingAfterRead(store) : store,
      followUp: continuationFollowUp(dispatcher, message.meta),
      clock: { nowMs: () => Date.now(), remainingMs },
      settings: config.settings,
    });
  };
}

/** Fault injection: a first attempt that read everything and dies before its write. */
function failingAfterRead(store: SummaryStore): SummaryStore {
  return {
    load: (id) => store.load(id),
    save: async () => {
      throw new TransientError('fault injection (CARIBOU_FAULT_LOG_SYNC_FAIL_FIRST_ATTEMPT): first attempt fails after reading');
    },
  };
}
