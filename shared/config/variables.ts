// Every CARIBOU_* environment variable the control plane, the workflow runtime, the CLI, local mode
// and the synth read: who reads it, what it means, its default. The README's environment table lists
// each (test/unit/config/variables.test.ts checks both that and that the code reads no undeclared
// CARIBOU_* variable). Readers get typed values with errors naming the variable from ./env.ts and
// ./control-plane.ts. AWS_* variables are the SDK's own (standard configuration) and not listed here.
import { TABLES } from '../manifest/tables.js';
import { DEFAULT_PREFIX } from './control-plane.js';

export interface EnvVarSpec {
  name: string;
  /** Who reads it: services (control-plane Lambdas), runtime (workflow functions), cli, local, synth. */
  readers: string;
  meaning: string;
  /** Value when unset; undefined: required where it is read. */
  default?: string;
}

const TABLE_VARS: EnvVarSpec[] = TABLES.map((t) => ({
  name: t.envVar,
  readers: 'services, CLI',
  meaning: `name of the ${t.id} table (set by the stack; operator tools derive \`<prefix>-${t.id}\`)`,
  default: `\`<CARIBOU_PREFIX>-${t.id}\` in the CLI`,
}));

export const ENV_VARS: readonly EnvVarSpec[] = [
  {
    name: 'CARIBOU_PREFIX',
    readers: 'services, CLI, synth, local',
    meaning: 'prefix of every control-plane resource name',
    default: `\`${DEFAULT_PREFIX}\``,
  },
  {
    name: 'CARIBOU_SYSTEM_REGION',
    readers: 'synth (set for services), deployment manager, CLI `solve --collected`',
    meaning: 'region of the control plane (the deployment manager prices a solve with its grid intensity)',
    default: '`AWS_REGION`, else `us-east-1`',
  },
  { name: 'CARIBOU_SERVICE', readers: 'services', meaning: 'the service id of this function (set by the stack, for logs)' },
  {
    name: 'CARIBOU_EVENT_BUS_NAME',
    readers: 'services, CLI `-r`',
    meaning: 'the control-plane EventBridge bus',
    default: '`<prefix>-bus` in the CLI',
  },
  {
    name: 'CARIBOU_ROUTER_FUNCTION',
    readers: 'CLI `-r --invoke`',
    meaning: 'the action router Lambda',
    default: '`<prefix>-action-router`',
  },
  {
    name: 'CARIBOU_ARTIFACTS_BUCKET',
    readers: 'services, runtime, CLI',
    meaning: 'bucket of code artifacts and payloads',
    default: 'CLI: found by name `<prefix>-artifacts-*`',
  },
  {
    name: 'CARIBOU_ORCHESTRATOR_QUEUE_URL',
    readers: 'services',
    meaning: "the orchestrator's queue, nudged after dispatching or reporting a task",
    default: 'no nudge',
  },
  {
    name: 'CARIBOU_ORCHESTRATOR_CONFIG',
    readers: 'orchestrator',
    meaning: 'JSON overriding the orchestrator config (labourer limits, health metrics, retries)',
    default: 'shared/orchestrator/config.ts',
  },
  {
    name: 'CARIBOU_CONTROL_REGION',
    readers: 'runtime, CLI',
    meaning: "region of the control plane's tables and bucket seen from a workflow",
    default: '`AWS_REGION`',
  },
  { name: 'CARIBOU_WORKFLOW_ID', readers: 'runtime', meaning: 'the workflow this function belongs to (set by the deployer)' },
  { name: 'CARIBOU_FUNCTION_NAME', readers: 'runtime', meaning: "the workflow function's name (set by the deployer)" },
  { name: 'CARIBOU_HOME_REGION', readers: 'runtime', meaning: "the workflow's home region (set by the deployer)" },
  { name: 'CARIBOU_SYNC_TABLE', readers: 'runtime', meaning: "the workflow's sync-state table in its home region (set by the deployer)" },
  {
    name: 'CARIBOU_HOME_RUN_RATIO',
    readers: 'runtime',
    meaning: 'share of runs kept in the home region',
    default: "the placement's, else 0.1",
  },
  { name: 'CARIBOU_MAX_HOPS', readers: 'runtime', meaning: 'hop limit of one run', default: '20' },
  { name: 'CARIBOU_CLAIM_LEASE_S', readers: 'runtime', meaning: "lease of an instance's execution claim, seconds", default: '960' },
  {
    name: 'CARIBOU_FAULT_DUPLICATE_SENDS',
    readers: 'runtime',
    meaning: 'fault injection for tests: `true` sends every message twice',
    default: 'off',
  },
  {
    name: 'CARIBOU_DEBUG',
    readers: 'CLI (set by `--debug`), AWS clients',
    meaning: 'print stack traces and one stderr line per AWS call',
    default: 'off',
  },
  {
    name: 'CARIBOU_CLI_FROM_SOURCE',
    readers: 'bin/caribou.js',
    meaning: 'run the CLI from TypeScript through tsx instead of dist/cli/',
    default: 'off',
  },
  {
    name: 'CARIBOU_TF_PLUGIN_MIRROR',
    readers: 'terraform runner',
    meaning: 'provider filesystem mirror',
    default: '`/opt/tf-plugins` when present',
  },
  { name: 'CARIBOU_LOCAL_STATE_DIR', readers: 'local', meaning: "local mode's state folder", default: '`.local/`' },
  { name: 'CARIBOU_LOCAL_REGION', readers: 'local', meaning: 'region local mode applies the stack in', default: '`us-east-1`' },
  {
    name: 'CARIBOU_LOCAL_REGIONS',
    readers: 'local runtime',
    meaning: 'regions polled from the start (comma-separated)',
    default: '`AWS_REGION`',
  },
  { name: 'CARIBOU_LOCAL_EMULATOR_PORT', readers: 'local', meaning: "the emulator's port (0: any free port)", default: '4566' },
  {
    name: 'CARIBOU_LOCAL_RUNTIME_PORT',
    readers: 'local',
    meaning: "the local Lambda runtime's Invoke API port (0: any free port)",
    default: '4567',
  },
  {
    name: 'CARIBOU_LOCAL_THROTTLE',
    readers: 'local runtime',
    meaning: 'throttling switch: JSON rules per function name or `*`, `{"rate": 0..1}` or `{"calls": n}` (docs/local-mode.md)',
    default: 'none',
  },
  {
    name: 'CARIBOU_LOCAL_MOTO_PATCHES',
    readers: 'local (tests)',
    meaning: "which of the emulator's patches to apply (`all`, `none` or a comma list), for tests that prove each patch",
    default: '`all`',
  },
  {
    name: 'CARIBOU_LOCAL_MOTO_CONDITION_DELAY_MS',
    readers: 'local (tests)',
    meaning: "widens moto's conditional-write race window, for the serialized-writes patch test",
    default: '0',
  },
  {
    name: 'CARIBOU_LOCAL_EMULATOR_URL',
    readers: 'local runtime',
    meaning: 'the emulator, for the runtime (set by local mode)',
    default: '`http://127.0.0.1:4566`',
  },
  {
    name: 'CARIBOU_LOCAL_RUNTIME_URL',
    readers: 'local emulator',
    meaning: "the runtime's Invoke API, for the emulator (set by local mode)",
  },
  { name: 'CARIBOU_LOCAL_CODE_DIRS', readers: 'local runtime', meaning: 'folders whose zips are deployment packages (path-separated)' },
  { name: 'CARIBOU_LOCAL_CLOCK_SPEED', readers: 'local runtime', meaning: 'virtual seconds per real second for schedules', default: '1' },
  { name: 'CARIBOU_LOCAL_CLOCK_START', readers: 'local runtime', meaning: 'ISO time the schedule clock starts at', default: 'now' },
  { name: 'CARIBOU_LOCAL_MAX_WORKERS', readers: 'local runtime', meaning: 'execution environments per function', default: '4' },
  { name: 'CARIBOU_LOCAL_OWNER_PID', readers: 'local runtime', meaning: 'exit when this process is gone (test runs)' },
  { name: 'CARIBOU_LOCAL_REMOVE_STATE_ON_EXIT', readers: 'local runtime', meaning: '`1`: delete the state folder when the owner is gone' },
  { name: 'CARIBOU_LOCAL_PYTHON', readers: 'local', meaning: 'Python with moto[server] for the emulator', default: '`python3`' },
  {
    name: 'CARIBOU_EXPECTED_ACCOUNT_ID',
    readers: '`make plan/deploy/destroy`',
    meaning: 'refuse any other AWS account (the account guard prints the target first)',
    default: 'any account',
  },
  {
    name: 'CARIBOU_TF_STATE_BUCKET',
    readers: 'synth',
    meaning: "S3 bucket of the stack's remote Terraform state",
    default: 'local state file',
  },
  { name: 'CARIBOU_TF_STATE_KEY', readers: 'synth', meaning: 'key of the remote state object', default: '`caribou/<prefix>.tfstate`' },
  { name: 'CARIBOU_TF_STATE_REGION', readers: 'synth', meaning: 'region of the state bucket', default: "the stack's region" },
  { name: 'CARIBOU_TF_LOCK_TABLE', readers: 'synth', meaning: 'DynamoDB table locking the remote state', default: 'S3 lock file' },
  {
    name: 'CARIBOU_WORKFLOW_BOUNDARY_ARN',
    readers: 'services, CLI',
    meaning: 'permissions boundary of workflow roles (set by the stack)',
    default: "CLI: derived from the artifacts bucket's account",
  },
  {
    name: 'CARIBOU_BOUNDARY_EXTRA_STATEMENTS',
    readers: 'synth (set for services), deployer, migrator',
    meaning: 'JSON list of extra statements allowed in the workflow permissions boundary (docs/operations.md)',
    default: 'none',
  },
  {
    name: 'CARIBOU_WORKFLOW_LOG_RETENTION_DAYS',
    readers: 'deployer, migrator',
    meaning: "retention of workflow functions' log groups, days",
    default: '30',
  },
  {
    name: 'CARIBOU_PRICE_SOURCE',
    readers: 'data-collectors',
    meaning: '`aws-price-list-api` (live, falls back to the embedded table) or `embedded`',
    default: '`aws-price-list-api`',
  },
  {
    name: 'CARIBOU_PRICING_REGION',
    readers: 'data-collectors',
    meaning: 'region of the AWS Price List Query API endpoint',
    default: '`us-east-1`',
  },
  {
    name: 'CARIBOU_CARBON_SOURCES',
    readers: 'data-collectors',
    meaning: 'carbon sources in order (docs/data.md)',
    default: '`electricity-maps,imported,yearly-average`',
  },
  {
    name: 'CARIBOU_ELECTRICITY_MAPS_URL',
    readers: 'data-collectors',
    meaning: 'Electricity Maps API base URL',
    default: '`https://api.electricitymap.org`',
  },
  {
    name: 'CARIBOU_ELECTRICITY_MAPS_TOKEN_PARAMETER',
    readers: 'data-collectors',
    meaning: 'name of the SSM SecureString holding the Electricity Maps token (never the token itself)',
    default: '`/<prefix>/data-collectors/electricity-maps-token`',
  },
  {
    name: 'CARIBOU_PERFORMANCE_SOURCES',
    readers: 'data-collectors',
    meaning: 'latency sources in order',
    default: '`cloudping-http,distance-model`',
  },
  {
    name: 'CARIBOU_LATENCY_URL',
    readers: 'data-collectors',
    meaning: 'HTTP source of inter-region latency percentiles (cloudping format)',
    default: 'unset: the distance model',
  },
  {
    name: 'CARIBOU_COLLECTOR_HTTP_TIMEOUT_MS',
    readers: 'data-collectors',
    meaning: 'timeout of one HTTP request of a collector, ms',
    default: '10000',
  },
  {
    name: 'CARIBOU_LOG_SYNC_GRACE_S',
    readers: 'log-syncer',
    meaning: 'late log delivery allowance before the watermark, s',
    default: '900',
  },
  {
    name: 'CARIBOU_LOG_SYNC_HORIZON_DAYS',
    readers: 'log-syncer',
    meaning: 'nothing older is read (forgetting horizon), days',
    default: '30',
  },
  {
    name: 'CARIBOU_LOG_SYNC_PENDING_TIMEOUT_S',
    readers: 'log-syncer',
    meaning: 'an incomplete run older than this is counted as failed, s',
    default: '7200',
  },
  {
    name: 'CARIBOU_LOG_SYNC_MIN_INTERVAL_S',
    readers: 'log-syncer',
    meaning: 'a workflow synced more recently is skipped, s',
    default: '0',
  },
  {
    name: 'CARIBOU_LOG_SYNC_SAFETY_MARGIN_S',
    readers: 'log-syncer',
    meaning: 'remaining Lambda time kept for writing and handing over, s',
    default: '60',
  },
  { name: 'CARIBOU_LOG_SYNC_MAX_PENDING_RUNS', readers: 'log-syncer', meaning: 'incomplete runs carried to the next sync', default: '300' },
  { name: 'CARIBOU_LOG_SYNC_RECENT_RUNS', readers: 'log-syncer', meaning: 'run ids remembered to refuse double counting', default: '2000' },
  {
    name: 'CARIBOU_LOG_SYNC_THROTTLE_ATTEMPTS',
    readers: 'log-syncer',
    meaning: 'attempts of a throttled FilterLogEvents call',
    default: '8',
  },
  {
    name: 'CARIBOU_FAULT_LOG_SYNC_FAIL_FIRST_ATTEMPT',
    readers: 'log-syncer',
    meaning: 'fault injection for tests: fail every first attempt after reading',
    default: 'off',
  },
  {
    name: 'CARIBOU_MIGRATOR_CLEANUP_GRACE_S',
    readers: 'migrator',
    meaning: 'an unused (function, region) is removed after this long, s',
    default: '432000 (5 days)',
  },
  {
    name: 'CARIBOU_FUZZ_RUNS',
    readers: 'unit tests (test/unit/fuzz/)',
    meaning: 'inputs per property of the fuzz tests',
    default: 'per test (hundreds)',
  },
  {
    name: 'CARIBOU_FUZZ_SEED',
    readers: 'tests (test/setup/fast-check-seed.ts)',
    meaning: 'seed of every property test; `random` for a fresh one (`make fuzz`)',
    default: '20261202 (fixed, so `make test` is reproducible)',
  },
  ...TABLE_VARS,
];

/** The README's environment table rows, in declaration order (see the README and its test). */
export function envTableRows(): string[] {
  return ENV_VARS.map((v) => `| \`${v.name}\` | ${v.readers} | ${v.meaning} | ${v.default ?? 'required'} |`);
}
