// Control-plane DynamoDB tables: one typed list used by the cdktf stack, local mode, the services
// (through the env var each table's name is passed in) and the tests that create tables directly.

export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface TableIndex {
  name: string;
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  /** Attributes projected besides the keys; undefined means ALL. */
  nonKeyAttributes?: string[];
}

export interface TableSpec {
  /** Logical id, also the suffix of the physical name `<prefix>-<id>`. */
  id: TableId;
  /** Env var through which services receive the physical table name. */
  envVar: string;
  hashKey: KeyAttribute;
  rangeKey?: KeyAttribute;
  globalIndexes?: TableIndex[];
  /** Attribute holding an epoch-seconds expiry (DynamoDB TTL). */
  ttlAttribute?: string;
  purpose: string;
}

export type TableId =
  | 'workflows'
  | 'placements'
  | 'solver-staging'
  | 'collector-data'
  | 'workflow-summaries'
  | 'idempotency'
  | 'tasks'
  | 'closed-tasks'
  | 'retry-tasks';

const S = (name: string): KeyAttribute => ({ name, type: 'S' });
const N = (name: string): KeyAttribute => ({ name, type: 'N' });

export const TABLES: readonly TableSpec[] = [
  {
    id: 'workflows',
    envVar: 'CARIBOU_WORKFLOWS_TABLE',
    hashKey: S('workflow_id'),
    purpose: 'Deployed workflows: config, DAG, function descriptions, deployment-manager bookkeeping.',
  },
  {
    id: 'placements',
    envVar: 'CARIBOU_PLACEMENTS_TABLE',
    hashKey: S('workflow_id'),
    purpose: 'Workflow placement documents (shared/contracts/placement.ts), read on every hop.',
  },
  {
    id: 'solver-staging',
    envVar: 'CARIBOU_SOLVER_STAGING_TABLE',
    hashKey: S('workflow_id'),
    purpose: 'Plans solved by the deployment manager, waiting for the migrator.',
  },
  {
    id: 'collector-data',
    envVar: 'CARIBOU_COLLECTOR_DATA_TABLE',
    hashKey: S('table_name'),
    rangeKey: S('key'),
    purpose:
      'Collector outputs keyed like the Python tables: (available_regions|carbon_region|performance_region|provider_region|provider|workflow_instance, key).',
  },
  {
    id: 'workflow-summaries',
    envVar: 'CARIBOU_WORKFLOW_SUMMARIES_TABLE',
    hashKey: S('workflow_id'),
    rangeKey: S('sync_window'),
    purpose: 'Per-workflow run summaries reconstructed by the log syncer.',
  },
  {
    id: 'idempotency',
    envVar: 'CARIBOU_IDEMPOTENCY_TABLE',
    hashKey: S('id'),
    ttlAttribute: 'expiration',
    purpose: 'Powertools idempotency records of every internal-event consumer (keyPrefix per service).',
  },
  {
    id: 'tasks',
    envVar: 'CARIBOU_TASKS_TABLE',
    hashKey: S('task_id'),
    globalIndexes: [{ name: 'labourer_greenfield', hashKey: S('labourer_id'), rangeKey: N('greenfield') }],
    purpose: 'Orchestrator active tasks (sosw greenfield encoding).',
  },
  {
    id: 'closed-tasks',
    envVar: 'CARIBOU_CLOSED_TASKS_TABLE',
    hashKey: S('task_id'),
    globalIndexes: [
      {
        name: 'labourer_task_status_with_time',
        hashKey: S('labourer_id_task_status'),
        rangeKey: N('closed_at'),
      },
    ],
    purpose: 'Orchestrator archive of completed and dead tasks.',
  },
  {
    id: 'retry-tasks',
    envVar: 'CARIBOU_RETRY_TASKS_TABLE',
    hashKey: S('labourer_id'),
    rangeKey: S('task_id'),
    globalIndexes: [{ name: 'labourer_desired_launch_time', hashKey: S('labourer_id'), rangeKey: N('desired_launch_time') }],
    purpose: 'Orchestrator expired tasks waiting for their retry time.',
  },
];

export function tableSpec(id: TableId): TableSpec {
  const spec = TABLES.find((t) => t.id === id);
  if (!spec) throw new Error(`unknown table id ${id}`);
  return spec;
}

export function physicalTableName(prefix: string, id: TableId): string {
  return `${prefix}-${id}`;
}
