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
  { name: 'CARIBOU_PREFIX', readers: 'services, CLI, synth, local', meaning: 'prefix of every control-plane resource name', default: `\`${DEFAULT_PREFIX}\`` },
  { name: 'CARIBOU_SYSTEM_REGION', readers: 'synth (set for services)', meaning: 'region of the control plane', default: '`AWS_REGION`, else `us-east-1`' },
  { name: 'CARIBOU_SERVICE', readers: 'services', meaning: 'the service id of this function (set by the stack, for logs)' },
  { name: 'CARIBOU_EVENT_BUS_NAME', readers: 'services, CLI `-r`', meaning: 'the control-plane EventBridge bus', default: '`<prefix>-bus` in the CLI' },
  { name: 'CARIBOU_ROUTER_FUNCTION', readers: 'CLI `-r --invoke`', meaning: 'the action router Lambda', default: '`<prefix>-action-router`' },
  { name: 'CARIBOU_ARTIFACTS_BUCKET', readers: 'services, runtime, CLI', meaning: 'bucket of code artifacts and payloads', default: 'CLI: found by name `<prefix>-artifacts-*`' },
  { name: 'CARIBOU_ORCHESTRATOR_QUEUE_URL', readers: 'services', meaning: "the orchestrator's queue, nudged after dispatching or reporting a task", default: 'no nudge' },
  { name: 'CARIBOU_ORCHESTRATOR_CONFIG', readers: 'orchestrator', meaning: 'JSON overriding the orchestrator config (labourer limits, health metrics, retries)', default: 'shared/orchestrator/config.ts' },
  { name: 'CARIBOU_CONTROL_REGION', readers: 'runtime, CLI', meaning: "region of the control plane's tables and bucket seen from a workflow", default: '`AWS_REGION`' },
  { name: 'CARIBOU_WORKFLOW_ID', readers: 'runtime', meaning: 'the workflow this function belongs to (set by the deployer)' },
  { name: 'CARIBOU_FUNCTION_NAME', readers: 'runtime', meaning: "the workflow function's name (set by the deployer)" },
  { name: 'CARIBOU_HOME_REGION', readers: 'runtime', meaning: "the workflow's home region (set by the deployer)" },
  { name: 'CARIBOU_SYNC_TABLE', readers: 'runtime', meaning: "the workflow's sync-state table in its home region (set by the deployer)" },
  { name: 'CARIBOU_HOME_RUN_RATIO', readers: 'runtime', meaning: 'share of runs kept in the home region', default: "the placement's, else 0.1" },
  { name: 'CARIBOU_MAX_HOPS', readers: 'runtime', meaning: 'hop limit of one run', default: '20' },
  { name: 'CARIBOU_CLAIM_LEASE_S', readers: 'runtime', meaning: "lease of an instance's execution claim, seconds", default: '960' },
  { name: 'CARIBOU_FAULT_DUPLICATE_SENDS', readers: 'runtime', meaning: 'fault injection for tests: `true` sends every message twice', default: 'off' },
  { name: 'CARIBOU_DEBUG', readers: 'CLI', meaning: 'print stack traces', default: 'off' },
  { name: 'CARIBOU_CLI_FROM_SOURCE', readers: 'bin/caribou.js', meaning: 'run the CLI from TypeScript through tsx instead of dist/cli/', default: 'off' },
  { name: 'CARIBOU_TF_PLUGIN_MIRROR', readers: 'terraform runner', meaning: 'provider filesystem mirror', default: '`/opt/tf-plugins` when present' },
  { name: 'CARIBOU_LOCAL_STATE_DIR', readers: 'local', meaning: "local mode's state folder", default: '`.local/`' },
  { name: 'CARIBOU_LOCAL_REGION', readers: 'local', meaning: 'region local mode applies the stack in', default: '`us-east-1`' },
  { name: 'CARIBOU_LOCAL_REGIONS', readers: 'local runtime', meaning: 'regions polled from the start (comma-separated)', default: '`AWS_REGION`' },
  { name: 'CARIBOU_LOCAL_EMULATOR_PORT', readers: 'local', meaning: "the emulator's port (0: any free port)", default: '4566' },
  { name: 'CARIBOU_LOCAL_RUNTIME_PORT', readers: 'local', meaning: "the local Lambda runtime's Invoke API port (0: any free port)", default: '4567' },
  { name: 'CARIBOU_LOCAL_EMULATOR_URL', readers: 'local runtime', meaning: 'the emulator, for the runtime (set by local mode)', default: '`http://127.0.0.1:4566`' },
  { name: 'CARIBOU_LOCAL_RUNTIME_URL', readers: 'local emulator', meaning: "the runtime's Invoke API, for the emulator (set by local mode)" },
  { name: 'CARIBOU_LOCAL_CODE_DIRS', readers: 'local runtime', meaning: 'folders whose zips are deployment packages (path-separated)' },
  { name: 'CARIBOU_LOCAL_CLOCK_SPEED', readers: 'local runtime', meaning: 'virtual seconds per real second for schedules', default: '1' },
  { name: 'CARIBOU_LOCAL_CLOCK_START', readers: 'local runtime', meaning: 'ISO time the schedule clock starts at', default: 'now' },
  { name: 'CARIBOU_LOCAL_MAX_WORKERS', readers: 'local runtime', meaning: 'execution environments per function', default: '4' },
  { name: 'CARIBOU_LOCAL_OWNER_PID', readers: 'local runtime', meaning: 'exit when this process is gone (test runs)' },
  { name: 'CARIBOU_LOCAL_REMOVE_STATE_ON_EXIT', readers: 'local runtime', meaning: '`1`: delete the state folder when the owner is gone' },
  { name: 'CARIBOU_LOCAL_PYTHON', readers: 'local', meaning: 'Python with moto[server] for the emulator', default: '`python3`' },
  ...TABLE_VARS,
];

/** The README's environment table rows, in declaration order (see the README and its test). */
export function envTableRows(): string[] {
  return ENV_VARS.map((v) => `| \`${v.name}\` | ${v.readers} | ${v.meaning} | ${v.default ?? 'required'} |`);
}
