// re_deploy_workflow for one workflow: apply its staged plan (deploy what the plan needs outside
// home, check each new function answers, publish plan + endpoints in one conditional write, record
// the resources, drop the staging entry), roll back this attempt's resources if anything fails, and
// remove regional deployments no plan has used for the grace period. One task per workflow at a time
// (a lease on the workflow record); every step converges when a task is retried or duplicated.
import type { WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import { CaribouError, NotFoundError, TransientError, ValidationError } from '../../../shared/errors.js';
import type { MigratorState, WorkflowRecord } from '../../../shared/workflows/record.js';
import { decideCleanup } from './cleanup.js';
import {
  alreadyPublished,
  frKey,
  functionRegionsOf,
  missingDeployments,
  validatePlan,
  type DeployedRegions,
  type FunctionRegion,
} from './plan.js';
import type { MigratorLog, MigratorStore, RegionDeployer } from './ports.js';

/** The migration can never succeed as staged (bad plan, name taken, access denied): not retried. */
export class MigrationRejectedError extends CaribouError {}

export interface MigratorDeps {
  store: MigratorStore;
  deployer: RegionDeployer;
  log: MigratorLog;
  now: () => Date;
  newOwner: () => string;
  /** Seconds a (function, region) must stay unused before it is removed. */
  graceS: number;
  /** Seconds the per-workflow lease lasts (longer than one task may run). */
  lockLeaseS: number;
}

export interface MigrationOutcome {
  workflow_id: string;
  /** A staged plan was (or already had been) published by this task. */
  published: boolean;
  placement_version?: number;
  /** Pairs `<function>@<region>` created, reused (recorded earlier), removed by clean-up. */
  deployed: string[];
  reused: string[];
  removed: string[];
  cleanup_due_at?: string;
  note?: string;
}

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'ResourceConflictException',
  'ResourceInUseException',
  'ServiceException',
  'ServiceUnavailable',
  'InternalFailure',
  'TimeoutError',
]);

/** Whether a retry may succeed: our transient errors, throttling, 5xx, and network failures. */
export function isRetryable(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (error instanceof ValidationError || error instanceof MigrationRejectedError || error instanceof NotFoundError) return false;
  const e = error as { name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e?.$retryable || RETRYABLE_NAMES.has(e?.name ?? '')) return true;
  const status = e?.$metadata?.httpStatusCode;
  if (status === undefined) return true; // no answer at all: network, DNS, a timeout
  return status >= 500 || status === 429;
}

const message = (error: unknown) => (error as Error)?.message ?? String(error);
const clone = <T>(value: T): T => structuredClone(value);

function setPair(deployed: DeployedRegions, fr: FunctionRegion, value: DeployedRegions[string][string] | undefined): void {
  const regions = { ...deployed[fr.fn] };
  if (value) regions[fr.region] = value;
  else delete regions[fr.region];
  deployed[fr.fn] = regions;
}

/** The error the task reports: TransientError when a retry may succeed (the orchestrator retries it). */
export function asTaskError(error: unknown): unknown {
  if (error instanceof TransientError || error instanceof MigrationRejectedError || error instanceof ValidationError) return error;
  return isRetryable(error) ? new TransientError(message(error), { cause: error }) : error;
}

export async function reDeployWorkflow(workflowId: string, deps: MigratorDeps): Promise<MigrationOutcome> {
  try {
    return await reDeploy(workflowId, deps);
  } catch (error) {
    throw asTaskError(error);
  }
}

async function reDeploy(workflowId: string, deps: MigratorDeps): Promise<MigrationOutcome> {
  const record = await deps.store.getRecord(workflowId);
  if (!record) {
    // Removed since the plan was staged: nothing to deploy; `caribou remove` drops the staging entry too.
    const staged = await deps.store.getStagedPlan(workflowId);
    if (staged) await deps.store.deleteStagedPlan(workflowId, staged.solved_by_task);
    return { workflow_id: workflowId, published: false, deployed: [], reused: [], removed: [], note: 'workflow is not deployed' };
  }
  if (record.status !== 'DEPLOYED') throw new TransientError(`workflow ${workflowId} is still being deployed; the migrator retries later`);
  const owner = deps.newOwner();
  const nowMs = deps.now().getTime();
  if (!(await deps.store.acquireLock(workflowId, owner, nowMs + deps.lockLeaseS * 1000, nowMs))) {
    throw new TransientError(`another migrator task is working on ${workflowId}; this one retries later`);
  }
  try {
    return await migrateLocked(record, owner, deps);
  } finally {
    await deps.store
      .releaseLock(workflowId, owner)
      .catch((error) =>
        deps.log.warn('could not release the migrator lease (it expires by itself)', { workflowId, error: message(error) }),
      );
  }
}

async function migrateLocked(record: WorkflowRecord, owner: string, deps: MigratorDeps): Promise<MigrationOutcome> {
  const id = record.workflow_id;
  const home = record.home_region;
  const now = deps.now();
  const deployed: DeployedRegions = clone(record.deployed_regions ?? {});
  const state: MigratorState = { ...clone(record.migrator ?? {}), last_attempt_at: now.toISOString() };
  const outcome: MigrationOutcome = { workflow_id: id, published: false, deployed: [], reused: [], removed: [] };
  let wpd = await deps.store.getPlacement(id);
  const staged = await deps.store.getStagedPlan(id);

  if (staged) {
    wpd = await applyStagedPlan(record, staged, wpd, deployed, state, outcome, owner, deps);
  }

  // Clean-up: unused pairs past the grace period, then what earlier rollbacks could not remove.
  const decision = decideCleanup({
    deployed,
    home,
    plan: wpd.current_deployment,
    instanceFunctions: wpd.instance_functions,
    now,
    graceS: deps.graceS,
  });
  for (const [fn, regions] of Object.entries(deployed)) {
    for (const [region, resources] of Object.entries(regions)) {
      const releasedAt = decision.releasedAt.get(frKey({ fn, region }));
      const { released_at: _old, ...rest } = resources;
      regions[region] = releasedAt ? { ...rest, released_at: releasedAt } : rest;
    }
  }
  if (decision.remove.length > 0) {
    // Endpoints go first: once they are unpublished nothing new is routed there.
    const endpoints = clone(wpd.endpoints);
    for (const fr of decision.remove) if (endpoints[fr.fn]) delete endpoints[fr.fn]![fr.region];
    const next = { ...wpd, endpoints };
    const version = await deps.store.publishPlacement(next, wpd.version ?? 0);
    wpd = { ...next, version };
    outcome.placement_version = version;
    for (const fr of decision.remove) {
      await deps.deployer.remove(record, fr);
      setPair(deployed, fr, undefined);
      outcome.removed.push(frKey(fr));
      deps.log.info('removed an unused regional deployment', { workflowId: id, function: fr.fn, region: fr.region, graceS: deps.graceS });
    }
  }
  const orphans = [];
  for (const orphan of state.orphans ?? []) {
    const fr = { fn: orphan.function, region: orphan.region };
    if (deployed[fr.fn]?.[fr.region]) continue; // deployed again since: it is recorded, not an orphan
    try {
      await deps.deployer.remove(record, fr);
      outcome.removed.push(frKey(fr));
    } catch (error) {
      deps.log.warn('an orphan of an earlier rollback is still there', {
        workflowId: id,
        function: fr.fn,
        region: fr.region,
        error: message(error),
      });
      orphans.push(orphan);
    }
  }
  state.orphans = orphans;
  if (!staged) {
    state.last_outcome = outcome.removed.length > 0 ? 'cleaned up' : 'nothing to do';
    state.last_detail = outcome.removed.length > 0 ? `removed ${outcome.removed.join(', ')}` : 'no staged plan, no clean-up due';
  }
  const due = orphans.length > 0 ? now.toISOString() : decision.nextDueAt;
  await deps.store.saveState(id, owner, { deployed_regions: deployed, ...(due ? { cleanup_due_at: due } : {}), migrator: state });
  if (due) outcome.cleanup_due_at = due;
  return outcome;
}

async function applyStagedPlan(
  record: WorkflowRecord,
  staged: StagedPlan,
  wpd: WorkflowPlacementDocument,
  deployed: DeployedRegions,
  state: MigratorState,
  outcome: MigrationOutcome,
  owner: string,
  deps: MigratorDeps,
): Promise<WorkflowPlacementDocument> {
  const id = record.workflow_id;
  const home = record.home_region;
  const now = deps.now().toISOString();
  const created: FunctionRegion[] = [];
  const orphans = [...(state.orphans ?? [])];
  try {
    validatePlan(staged.plan, record, wpd, deps.now());
    const needed = functionRegionsOf(staged.plan, wpd.instance_functions).filter((fr) => fr.region !== home);
    // Recorded by an earlier attempt that did not publish: probe again; redeploy what does not answer.
    for (const fr of needed) {
      const resources = deployed[fr.fn]?.[fr.region];
      if (!resources) continue;
      if (!wpd.endpoints[fr.fn]?.[fr.region]) {
        try {
          await deps.deployer.healthCheck(record, fr, resources);
        } catch (error) {
          deps.log.warn('a recorded deployment does not answer; deploying it again', {
            workflowId: id,
            function: fr.fn,
            region: fr.region,
            error: message(error),
          });
          await deps.deployer.remove(record, fr);
          setPair(deployed, fr, undefined);
          continue;
        }
      }
      outcome.reused.push(frKey(fr));
    }
    for (const fr of missingDeployments(staged.plan, wpd.instance_functions, home, deployed)) {
      const ownership = await deps.deployer.inspect(record, fr);
      if (typeof ownership === 'object') {
        throw new MigrationRejectedError(`cannot deploy ${fr.fn} to ${fr.region}: ${ownership.foreign}`);
      }
      if (ownership === 'ours') {
        // Left by an attempt that crashed before recording or rolling back: start clean.
        deps.log.info('removing the leftovers of an earlier attempt', { workflowId: id, function: fr.fn, region: fr.region });
        await deps.deployer.remove(record, fr);
      }
      created.push(fr);
      const resources = await deps.deployer.deploy(record, fr);
      setPair(deployed, fr, { ...resources, deployed_at: now });
      await deps.deployer.healthCheck(record, fr, resources);
      outcome.deployed.push(frKey(fr));
      deps.log.info('deployed and checked', { workflowId: id, function: fr.fn, region: fr.region });
      // Recorded as soon as it answers: if the task is killed (timeout), the retry reuses it instead
      // of starting over; a failure this task catches still rolls it back.
      await deps.store.saveState(id, owner, {
        deployed_regions: deployed,
        ...(record.cleanup_due_at ? { cleanup_due_at: record.cleanup_due_at } : {}),
        migrator: state,
      });
    }
    if (!alreadyPublished(wpd, staged.plan, needed)) {
      const endpoints = clone(wpd.endpoints);
      for (const fr of needed) {
        const r = deployed[fr.fn]![fr.region]!;
        endpoints[fr.fn] = { ...endpoints[fr.fn], [fr.region]: { queue_url: r.queue_url, function_arn: r.function_arn } };
      }
      // Pairs the old plan used and the new one does not are released from now on.
      const stillUsed = new Set(needed.map(frKey));
      for (const fr of functionRegionsOf(wpd.current_deployment, wpd.instance_functions)) {
        const resources = deployed[fr.fn]?.[fr.region];
        if (resources && !stillUsed.has(frKey(fr)) && !resources.released_at) setPair(deployed, fr, { ...resources, released_at: now });
      }
      const next: WorkflowPlacementDocument = { ...wpd, endpoints, current_deployment: staged.plan };
      const version = await deps.store.publishPlacement(next, wpd.version ?? 0);
      wpd = { ...next, version };
      outcome.placement_version = version;
    }
    outcome.published = true;
    state.last_outcome = 'published';
    state.last_detail = `plan staged at ${staged.staged_at} by task ${staged.solved_by_task}`;
  } catch (error) {
    if (outcome.published) throw error;
    const retryable = isRetryable(error);
    if (created.length > 0 || !(error instanceof ValidationError)) {
      deps.log.warn('migration failed; rolling back this attempt', {
        workflowId: id,
        retryable,
        created: created.map(frKey),
        error: message(error),
      });
    }
    // Rollback: whatever this attempt created, found by name; the old plan stays published.
    for (const fr of [...created].reverse()) {
      setPair(deployed, fr, undefined);
      try {
        await deps.deployer.remove(record, fr);
      } catch (undoError) {
        orphans.push({ function: fr.fn, region: fr.region, since: now });
        deps.log.warn('rollback could not remove a deployment; later migrator tasks retry', {
          workflowId: id,
          function: fr.fn,
          region: fr.region,
          error: message(undoError),
        });
      }
    }
    state.orphans = orphans;
    state.last_outcome = retryable ? 'rolled back; the plan stays staged for a retry' : 'rolled back; the staged plan was rejected';
    state.last_detail = message(error);
    await deps.store.saveState(id, owner, {
      deployed_regions: deployed,
      ...(orphans.length > 0 ? { cleanup_due_at: now } : record.cleanup_due_at ? { cleanup_due_at: record.cleanup_due_at } : {}),
      migrator: state,
    });
    const text = `migration of ${id} to its staged plan failed and was rolled back (the current plan stays active): ${message(error)}`;
    if (!retryable) {
      await deps.store.deleteStagedPlan(id, staged.solved_by_task);
      throw new MigrationRejectedError(text, { cause: error });
    }
    throw new TransientError(text, { cause: error });
  }
  // Published: the staging entry is done (unless a newer plan replaced it meanwhile).
  await deps.store.deleteStagedPlan(id, staged.solved_by_task);
  return wpd;
}
