// In-memory stand-ins for the migrator's ports: a store with versioned placement and a lease, and a
// "cloud" of regional deployments the fake deployer creates, probes and removes (with injectable faults).
import type { WorkflowPlacementDocument } from '../../../shared/contracts/placement.js';
import type { StagedPlan } from '../../../shared/contracts/staged-plan.js';
import { PlacementConflictError } from '../../../shared/workflows/placement-store.js';
import type { DeployedFunctionResources, WorkflowRecord } from '../../../shared/workflows/record.js';
import type { MigratorStore, Ownership, RegionDeployer } from '../../../services/migrator/core/ports.js';
import { frKey, type FunctionRegion } from '../../../services/migrator/core/plan.js';
import type { MigratorDeps } from '../../../services/migrator/core/migrate.js';

export const HOME = 'aws:us-east-1';
export const WEST = 'aws:us-west-2';
export const CA = 'aws:ca-central-1';
export const ID = 'wf-0.0.1';
export const INSTANCES = { 'wf-0_0_1-a:entry_point:0': 'a', 'wf-0_0_1-b:wf-0_0_1-a_0_0:1': 'b', 'wf-0_0_1-c:sync:2': 'c' };
export const [A, B, C] = Object.keys(INSTANCES) as [string, string, string];

export const resourcesFor = (fn: string, region: string): DeployedFunctionResources => {
  const code = region.slice(4);
  return {
    function_name: `wf-0_0_1-${fn}_aws-${code}`,
    function_arn: `arn:aws:lambda:${code}:1:function:wf-0_0_1-${fn}_aws-${code}`,
    queue_url: `https://sqs/${code}/wf-0_0_1-${fn}_aws-${code}`,
    queue_arn: `arn:aws:sqs:${code}:1:wf-0_0_1-${fn}_aws-${code}`,
    dlq_url: `https://sqs/${code}/wf-0_0_1-${fn}_aws-${code}-dlq`,
    role_name: `wf-0_0_1-${fn}_aws-${code}-role`,
    event_source_mapping_uuid: `uuid-${fn}-${code}`,
  };
};

export function makeRecord(): WorkflowRecord {
  const fns = ['a', 'b', 'c'];
  return {
    workflow_id: ID,
    workflow_name: 'wf',
    workflow_version: '0.0.1',
    status: 'DEPLOYED',
    deployed_at: '2026-01-01T00:00:00.000Z',
    home_region: HOME,
    config: {
      regions_and_providers: {
        allowed_regions: [
          { provider: 'aws', region: 'us-east-1' },
          { provider: 'aws', region: 'us-west-2' },
          { provider: 'aws', region: 'ca-central-1' },
        ],
        disallowed_regions: null,
      },
    } as unknown as WorkflowRecord['config'],
    dag: {} as WorkflowRecord['dag'],
    function_descriptions: fns.map((name) => ({
      name,
      entry_point: name === 'a',
      is_sync: name === 'c',
      memory_mb: 128,
      timeout_s: 60,
      environment_variables: {},
      call_sites: [],
      allowed_regions: null,
      disallowed_regions: null,
    })),
    iam_policy: {},
    deployed_regions: Object.fromEntries(fns.map((fn) => [fn, { [HOME]: resourcesFor(fn, HOME) }])),
    sync_tables: { [HOME]: 'caribou-sync-wf-0_0_1' },
    artifacts: {},
  };
}

export function makePlacement(record: WorkflowRecord): WorkflowPlacementDocument {
  return {
    workflow_id: ID,
    home_region: HOME,
    instance_functions: { ...INSTANCES },
    endpoints: Object.fromEntries(
      Object.entries(record.deployed_regions).map(([fn, r]) => [
        fn,
        { [HOME]: { queue_url: r[HOME]!.queue_url, function_arn: r[HOME]!.function_arn } },
      ]),
    ),
    home_run_ratio: 0.1,
  };
}

export function stagedPlan(
  placement: Record<string, string>,
  options: { task?: string; expiry?: string; hours?: number[] } = {},
): StagedPlan {
  const hours = options.hours ?? [0, 12];
  return {
    workflow_id: ID,
    staged_at: '2026-01-01T01:00:00.000Z',
    plan: {
      expiry_time: options.expiry ?? '2026-01-08T00:00:00.000Z',
      time_keys: hours,
      hours: Object.fromEntries(hours.map((h) => [String(h), { ...placement }])),
    },
    solved_by_task: options.task ?? 'task-1',
    solver: { algorithm: 'coarse', calculator: 'simple', durationS: 1, evaluations: 10 },
    kept_home: [],
    candidate_regions: [HOME, WEST, CA],
    expected: { plan: {} as StagedPlan['expected']['plan'], home: {} as StagedPlan['expected']['home'] },
  };
}

export class MemoryStore implements MigratorStore {
  record: WorkflowRecord | undefined;
  placement: WorkflowPlacementDocument;
  version = 0;
  staged: StagedPlan | undefined;
  publishes = 0;
  /** Makes the next publish fail as if another writer got there first. */
  conflictOnce = false;
  constructor(record: WorkflowRecord) {
    this.record = record;
    this.placement = makePlacement(record);
  }
  async getRecord() {
    return this.record ? structuredClone(this.record) : undefined;
  }
  async getPlacement() {
    return { ...structuredClone(this.placement), version: this.version };
  }
  async publishPlacement(wpd: WorkflowPlacementDocument, expected: number) {
    if (this.conflictOnce || expected !== this.version) {
      this.conflictOnce = false;
      throw new PlacementConflictError('changed');
    }
    this.version = expected + 1;
    this.placement = structuredClone({ ...wpd, version: this.version });
    this.publishes++;
    return this.version;
  }
  async getStagedPlan() {
    return this.staged ? structuredClone(this.staged) : undefined;
  }
  async deleteStagedPlan(_id: string, task: string) {
    if (this.staged?.solved_by_task === task) this.staged = undefined;
  }
  async acquireLock(_id: string, owner: string, untilMs: number, nowMs: number) {
    const lock = this.record!.migrator_lock;
    if (lock && lock.owner !== owner && lock.until_ms >= nowMs) return false;
    this.record!.migrator_lock = { owner, until_ms: untilMs };
    return true;
  }
  async releaseLock(_id: string, owner: string) {
    if (this.record?.migrator_lock?.owner === owner) delete this.record.migrator_lock;
  }
  async saveState(
    _id: string,
    owner: string,
    state: {
      deployed_regions: WorkflowRecord['deployed_regions'];
      cleanup_due_at?: string;
      migrator: NonNullable<WorkflowRecord['migrator']>;
    },
  ) {
    if (this.record?.migrator_lock?.owner !== owner) throw new Error('lease lost');
    this.record.deployed_regions = structuredClone(state.deployed_regions);
    if (state.cleanup_due_at) this.record.cleanup_due_at = state.cleanup_due_at;
    else delete this.record.cleanup_due_at;
    this.record.migrator = structuredClone(state.migrator);
  }
}

/** A cloud of regional deployments: key -> 'ours' | 'foreign'; faults by key. */
export class FakeDeployer implements RegionDeployer {
  readonly cloud = new Map<string, 'ours' | 'foreign'>();
  readonly calls: string[] = [];
  failDeploy = new Map<string, Error>();
  failHealth = new Map<string, Error>();
  failRemove = new Map<string, Error>();
  async inspect(_r: WorkflowRecord, fr: FunctionRegion): Promise<Ownership> {
    const owner = this.cloud.get(frKey(fr));
    return owner === 'foreign'
      ? { foreign: `a function named like ${fr.fn} exists in ${fr.region} and was not made by Caribou` }
      : (owner ?? 'absent');
  }
  async deploy(_r: WorkflowRecord, fr: FunctionRegion) {
    this.calls.push(`deploy ${frKey(fr)}`);
    this.cloud.set(frKey(fr), 'ours'); // partial resources exist when a deploy fails half-way
    const fault = this.failDeploy.get(frKey(fr));
    if (fault) throw fault;
    return resourcesFor(fr.fn, fr.region);
  }
  async healthCheck(_r: WorkflowRecord, fr: FunctionRegion) {
    this.calls.push(`health ${frKey(fr)}`);
    if (this.cloud.get(frKey(fr)) !== 'ours') throw new Error(`${frKey(fr)} does not exist`);
    const fault = this.failHealth.get(frKey(fr));
    if (fault) throw fault;
  }
  async remove(_r: WorkflowRecord, fr: FunctionRegion) {
    this.calls.push(`remove ${frKey(fr)}`);
    const fault = this.failRemove.get(frKey(fr));
    if (fault) throw fault;
    if (this.cloud.get(frKey(fr)) === 'ours') this.cloud.delete(frKey(fr));
  }
}

export function migratorDeps(store: MemoryStore, deployer: FakeDeployer, clock: { now: Date }, graceS = 3600): MigratorDeps {
  let n = 0;
  return {
    store,
    deployer,
    log: { info: () => undefined, warn: () => undefined },
    now: () => clock.now,
    newOwner: () => `owner-${++n}`,
    graceS,
    lockLeaseS: 960,
  };
}
