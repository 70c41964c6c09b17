// Starting a run (`caribou run`, the router's `run` action): read the placement, fix the run's
// placement (hour key, home share), and send the entry message to the entry function's queue.
import { randomUUID } from 'node:crypto';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '../errors.js';
import { ENVELOPE_MARK, type Envelope } from '../runtime/envelope.js';
import { DEFAULT_HOME_REGION_RUN_RATIO, endpointFor, regionCode, regionFor, startRun } from '../runtime/placement.js';
import type { WorkflowDeps } from './env.js';
import { readPlacement } from './placement-store.js';
import type { WorkflowRecord } from './record.js';

export interface RunRequest {
  workflowId: string;
  /** The run's input: a JSON value, or a string (parsed as JSON when it is JSON, as `-a` is). */
  argument?: unknown;
  requestSource?: string;
}

export interface RunStarted {
  runId: string;
  entryInstance: string;
  entryRegion: string;
}

export function parseArgument(argument: unknown): unknown {
  if (typeof argument !== 'string') return argument ?? {};
  try {
    return JSON.parse(argument);
  } catch {
    return argument;
  }
}

export async function runWorkflow(request: RunRequest, deps: WorkflowDeps & { random?: () => number }): Promise<RunStarted> {
  const cp = deps.controlPlane;
  const doc = deps.clients.doc(cp.region);
  const record = (
    await doc.send(new GetCommand({ TableName: cp.workflowsTable, Key: { workflow_id: request.workflowId }, ConsistentRead: true }))
  ).Item as WorkflowRecord | undefined;
  if (!record || record.status !== 'DEPLOYED') {
    throw new NotFoundError(
      `workflow ${request.workflowId} is not deployed${record ? ' (its deploy has not finished)' : ''}; \`caribou list\` shows deployed workflows`,
    );
  }
  const wpd = await readPlacement(doc, cp.placementsTable, request.workflowId);
  const now = deps.now();
  const run = startRun(wpd, {
    runId: randomUUID().replaceAll('-', ''),
    now,
    draw: (deps.random ?? Math.random)(),
    homeRunRatio: wpd.home_run_ratio ?? DEFAULT_HOME_REGION_RUN_RATIO,
    requestSource: request.requestSource ?? 'caribou run',
  });
  const entry = record.dag.entry_instance;
  const entryFunction = record.dag.instances[entry]!.function_name;
  const endpoint = endpointFor(run, entryFunction, regionFor(run, entry, now));
  const envelope: Envelope = {
    [ENVELOPE_MARK]: true,
    run,
    instance: entry,
    taint: randomUUID(),
    hops: 0,
    payload: parseArgument(request.argument),
    sent_at: now.toISOString(),
  };
  await deps.clients
    .sqs(regionCode(endpoint.region))
    .send(new SendMessageCommand({ QueueUrl: endpoint.queueUrl, MessageBody: JSON.stringify(envelope) }));
  return { runId: run.run_id, entryInstance: entry, entryRegion: endpoint.region };
}
