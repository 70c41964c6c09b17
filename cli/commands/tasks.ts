// `caribou tasks`: the operator's view of the orchestrator's tasks — counts per labourer and state,
// the most recent tasks (filtered by labourer and state), and one task's full record.
import { clients } from '../../shared/aws/clients.js';
import { UsageError } from '../../shared/errors.js';
import { LABOURER_IDS, configFromEnv } from '../../shared/orchestrator/config.js';
import { DynamoTaskStore, type TaskStore, type TableNames } from '../../shared/orchestrator/task-store.js';
import { VIEW_STATES, listTasks, showTask, type TaskView, type ViewState } from '../../shared/orchestrator/view.js';
import type { LabourerId } from '../../shared/contracts/internal.js';
import { parseCommandArgs } from '../lib/args.js';
import { stackPrefix, tableName } from '../lib/context.js';
import type { CliIO, Command } from '../lib/command.js';

const HELP = `Usage: caribou tasks [--labourer <id>] [--status <state>] [--limit <n>] [--json] [--prefix <prefix>]
       caribou tasks show <task-id> [--json] [--prefix <prefix>]

Shows the orchestrator's tasks across its three tables (tasks, retry-tasks, closed-tasks):
counts per labourer and state, then the most recent tasks, newest change first.

Options:
  --labourer <id>   only this labourer: ${LABOURER_IDS.join(', ')}
  --status <state>  only tasks in this state: ${VIEW_STATES.join(', ')}
                    (failed/expired: waiting for the scavenger; retrying: in the retry table;
                    dead: out of attempts, with the reason and last error)
  --limit <n>       tasks listed (default 20; counts always cover every task)
  --json            machine-readable output
  --prefix <p>      stack prefix naming the tables <p>-tasks, ... (default $CARIBOU_PREFIX or "caribou");
                    CARIBOU_TASKS_TABLE, CARIBOU_CLOSED_TASKS_TABLE, CARIBOU_RETRY_TASKS_TABLE win if set
AWS access uses the SDK's standard environment (AWS_REGION, AWS_ENDPOINT_URL for local mode, ...).`;

export interface TasksCommandDeps {
  store?: (tables: TableNames) => TaskStore;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

export function tableNames(prefix: string, env: NodeJS.ProcessEnv): TableNames {
  const withPrefix = { ...env, CARIBOU_PREFIX: prefix };
  return {
    tasks: tableName('tasks', withPrefix),
    closed: tableName('closed-tasks', withPrefix),
    retry: tableName('retry-tasks', withPrefix),
  };
}

const iso = (epochS: number) => new Date(epochS * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

function printTask(view: TaskView, io: CliIO): void {
  const row = view.row as unknown as Record<string, unknown>;
  const time = (key: string) => (typeof row[key] === 'number' ? `${iso(row[key] as number)}` : undefined);
  const lines: [string, string | undefined][] = [
    ['task_id', view.task_id],
    ['labourer', view.labourer_id],
    ['type', view.type],
    ['state', view.state],
    ['table', view.where],
    ['attempts', String(view.attempts)],
    ['failed reports', row.failed_attempts === undefined ? undefined : String(row.failed_attempts)],
    ['root action', String(row.root_id)],
    ['hop', String(row.hop)],
    ['created', time('created_at')],
    ['last claimed', time('claimed_at')],
    ['completed', time('completed_at')],
    ['failed', time('failed_at')],
    ['retry due', time('desired_launch_time')],
    ['closed', time('closed_at')],
    ['dead reason', view.dead_reason],
    ['last error', view.last_error],
    ['event', JSON.stringify(row.event)],
    ['result', row.result === undefined ? undefined : JSON.stringify(row.result)],
  ];
  for (const [key, value] of lines) if (value !== undefined) io.out(`${`${key}:`.padEnd(16)}${value}`);
}

export function makeTasksCommand(deps: TasksCommandDeps = {}): Command {
  return {
    name: 'tasks',
    summary: "Orchestrator tasks: counts per labourer and state, recent tasks, one task's record",
    help: HELP,
    async run(argv, io) {
      const { values, positionals } = parseCommandArgs(argv, {
        labourer: { type: 'string' },
        status: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean' },
        prefix: { type: 'string' },
      });
      const env = deps.env ?? process.env;
      const prefix = values.prefix ?? stackPrefix(env);
      const tables = tableNames(prefix, env);
      const store = deps.store ? deps.store(tables) : new DynamoTaskStore(clients.doc(), tables);
      const config = configFromEnv(env);
      const nowS = (deps.now ?? (() => Date.now() / 1000))();

      if (positionals[0] === 'show') {
        const id = positionals[1];
        if (!id || positionals.length > 2) throw new UsageError('expected `caribou tasks show <task-id>`');
        const view = await showTask(store, config, id, LABOURER_IDS, nowS);
        if (!view) {
          io.err(`caribou tasks: no task ${id} in ${tables.tasks}, ${tables.retry} or ${tables.closed}`);
          return 1;
        }
        if (values.json) io.out(JSON.stringify(view, null, 2));
        else printTask(view, io);
        return 0;
      }
      if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"; expected options or \`show <task-id>\``);

      let labourers: LabourerId[] = [...LABOURER_IDS];
      if (values.labourer !== undefined) {
        if (!(LABOURER_IDS as readonly string[]).includes(values.labourer)) {
          throw new UsageError(`--labourer: expected one of ${LABOURER_IDS.join(', ')}, got "${values.labourer}"`);
        }
        labourers = [values.labourer as LabourerId];
      }
      if (values.status !== undefined && !(VIEW_STATES as readonly string[]).includes(values.status)) {
        throw new UsageError(`--status: expected one of ${VIEW_STATES.join(', ')}, got "${values.status}"`);
      }
      const limit = values.limit === undefined ? 20 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--limit: expected a non-negative integer, got "${values.limit}"`);

      const listing = await listTasks(store, config, { labourers, state: values.status as ViewState | undefined, nowS });
      if (values.json) {
        io.out(
          JSON.stringify(
            { counts: listing.counts, total: listing.tasks.length, tasks: listing.tasks.slice(0, limit).map(({ row: _row, ...v }) => v) },
            null,
            2,
          ),
        );
        return 0;
      }
      io.out(`Tasks per labourer and state (${tables.tasks}, ${tables.retry}, ${tables.closed}):`);
      const totals = Object.fromEntries(VIEW_STATES.map((s) => [s, 0])) as Record<ViewState, number>;
      const rows = [['labourer', ...VIEW_STATES]];
      for (const labourer of labourers) {
        const c = listing.counts[labourer]!;
        rows.push([labourer, ...VIEW_STATES.map((s) => String(c[s]))]);
        for (const s of VIEW_STATES) totals[s] += c[s];
      }
      if (labourers.length > 1) rows.push(['total', ...VIEW_STATES.map((s) => String(totals[s]))]);
      for (const line of table(rows)) io.out(`  ${line}`);
      const filter = [values.labourer && `labourer ${values.labourer}`, values.status && `state ${values.status}`]
        .filter(Boolean)
        .join(', ');
      const shown = listing.tasks.slice(0, limit);
      io.out('');
      io.out(`${shown.length} of ${listing.tasks.length} task(s)${filter ? ` (${filter})` : ''}, most recent change first:`);
      if (shown.length > 0) {
        const taskRows = [['task_id', 'labourer', 'type', 'state', 'attempts', 'at (UTC)', 'error']];
        for (const t of shown)
          taskRows.push([
            t.task_id,
            t.labourer_id,
            t.type,
            t.state,
            String(t.attempts),
            iso(t.at),
            (t.dead_reason ?? t.last_error ?? '').slice(0, 80),
          ]);
        // Left-align every column but attempts.
        const widths = taskRows[0]!.map((_, i) => Math.max(...taskRows.map((r) => r[i]!.length)));
        for (const r of taskRows)
          io.out(
            `  ${r
              .map((cell, i) => (i === 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
              .join('  ')
              .trimEnd()}`,
          );
      }
      return 0;
    },
  };
}

export const tasksCommand = makeTasksCommand();
