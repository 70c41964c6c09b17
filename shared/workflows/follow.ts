// Following a run through its log lines (`caribou run --wait`): reads the CloudWatch log groups of
// every function of the workflow, keeps the lines of this run, and decides when it has ended.
import { FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../errors.js';
import { regionCode } from '../runtime/placement.js';
import type { WorkflowDeps } from './env.js';
import type { WorkflowRecord } from './record.js';
import { readPlacement } from './placement-store.js';
import { physicalName } from '../analysis/names.js';

export interface InstanceRun {
  instance: string;
  function: string;
  region: string;
  duration_s: number;
}

export type RunStatus = 'succeeded' | 'failed' | 'running';

export interface RunReport {
  run_id: string;
  status: RunStatus;
  instances: InstanceRun[];
}

/** Parses a CloudWatch line of the runtime: a JSON object, possibly after Lambda's tab prefix. */
export function parseRuntimeLine(message: string): Record<string, unknown> | undefined {
  const start = message.indexOf('{');
  if (start < 0) return undefined;
  try {
    const value = JSON.parse(message.slice(start)) as Record<string, unknown>;
    return typeof value.caribou_event === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Pure state of a run from its lines: running until every message sent was executed (or dropped). */
export class RunTracker {
  readonly executed = new Map<string, InstanceRun>();
  private readonly finishedAt = new Map<string, string>();
  private readonly expected = new Set<string>();
  private failed = false;
  private readonly seen = new Set<string>();
  readonly errors: string[] = [];

  constructor(
    readonly runId: string,
    entryInstance: string,
  ) {
    this.expected.add(entryInstance);
  }

  /** Feeds one parsed line; returns the instance run when the line completes one. */
  add(line: Record<string, unknown>, lineId?: string): InstanceRun | undefined {
    if (line.run_id !== this.runId) return undefined;
    if (lineId) {
      if (this.seen.has(lineId)) return undefined;
      this.seen.add(lineId);
    }
    const event = line.caribou_event;
    if (event === 'INVOKING_SUCCESSOR' && line.successor_invoked === true && line.successor_is_sync !== true)
      this.expected.add(String(line.successor));
    if (event === 'SYNC_NODE_FIRED') this.expected.add(String(line.sync_node));
    if (event === 'EXCEED_HOP_ERROR' || event === 'MISROUTED_MESSAGE') {
      this.failed = true;
      this.errors.push(String(line.message ?? event));
    }
    if (event === 'CLIENT_CODE_EXCEPTION') this.errors.push(`${String(line.instance)}: ${String(line.exception)}`);
    if (event === 'EXECUTED' && !this.executed.has(String(line.instance))) {
      const run: InstanceRun = {
        instance: String(line.instance),
        function: String(line.function),
        region: String(line.region),
        duration_s: Number(line.total_execution_time_s ?? 0),
      };
      this.executed.set(run.instance, run);
      this.finishedAt.set(run.instance, String(line.timestamp ?? ''));
      return run;
    }
    return undefined;
  }

  get status(): RunStatus {
    if (this.failed) return 'failed';
    return [...this.expected].every((i) => this.executed.has(i)) ? 'succeeded' : 'running';
  }

  report(status: RunStatus = this.status): RunReport {
    const instances = [...this.executed.values()].sort((a, b) =>
      this.finishedAt.get(a.instance)!.localeCompare(this.finishedAt.get(b.instance)!),
    );
    return { run_id: this.runId, status, instances };
  }
}

export interface FollowOptions {
  timeoutS: number;
  pollMs?: number;
  onInstance?: (run: InstanceRun) => void;
}

export async function followRun(
  workflowId: string,
  runId: string,
  startedAt: Date,
  options: FollowOptions,
  deps: WorkflowDeps,
): Promise<RunReport> {
  const cp = deps.controlPlane;
  const doc = deps.clients.doc(cp.region);
  const record = (await doc.send(new GetCommand({ TableName: cp.workflowsTable, Key: { workflow_id: workflowId } }))).Item as
    | WorkflowRecord
    | undefined;
  if (!record) throw new NotFoundError(`workflow ${workflowId} is not deployed`);
  const groups: { region: string; group: string }[] = [];
  const wpd = await readPlacement(doc, cp.placementsTable, workflowId);
  for (const [fn, regions] of Object.entries(wpd.endpoints)) {
    for (const region of Object.keys(regions)) {
      const code = regionCode(region);
      groups.push({
        region: code,
        group: `/aws/lambda/${physicalName(cp.stackPrefix, record.workflow_name, record.workflow_version, fn, code)}`,
      });
    }
  }
  const tracker = new RunTracker(runId, record.dag.entry_instance);
  const deadline = deps.now().getTime() + options.timeoutS * 1000;
  const startTime = startedAt.getTime() - 60_000;
  while (true) {
    for (const { region, group } of groups) {
      let token: string | undefined;
      do {
        let page;
        try {
          page = await deps.clients
            .logs(region)
            .send(new FilterLogEventsCommand({ logGroupName: group, startTime, filterPattern: `"${runId}"`, nextToken: token }));
        } catch (error) {
          if ((error as Error).name === 'ResourceNotFoundException') break; // no invocation logged yet
          throw error;
        }
        for (const event of page.events ?? []) {
          const line = parseRuntimeLine(event.message ?? '');
          if (!line) continue;
          const done = tracker.add(line, `${group}/${event.eventId ?? `${event.logStreamName}/${event.timestamp}/${event.message}`}`);
          if (done) options.onInstance?.(done);
        }
        token = page.nextToken;
      } while (token);
    }
    if (tracker.status !== 'running') return tracker.report();
    if (deps.now().getTime() > deadline) return tracker.report('running');
    await deps.sleep(options.pollMs ?? 1000);
  }
}
