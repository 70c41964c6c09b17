// The data plane under faults: workflow runs (small_sync_example: sync nodes + conditional edges;
// image_processing: conditional fan-out) through the real runtime wrapper, the real DynamoDB state
// store, S3 payload store and SQS transport, on the local-mode emulator (patched moto). Each
// function has a real queue with a redrive policy to its DLQ; pollers in this process play the
// Lambda event source mapping (receive, invoke, delete on success; a failed or dead invocation's
// message comes back after its visibility timeout). Faults are injected from outside the product:
// a "killed" invocation stops dead at a random port call (no later effect, no cleanup, no delete),
// a restart kills every invocation in flight at once, duplicates send and deliver every message
// twice, the emulator's fault switch fails a share of DynamoDB writes, and the invoke step answers
// TooManyRequestsException for a share of deliveries (the message stays queued, as with Lambda),
// decided by the local runtime's throttling switch (local/runtime/throttle.ts), as the runtime's
// own event source mappings do.
import { randomUUID } from 'node:crypto';
import {
  CreateQueueCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { analyzeProject } from '../../shared/analysis/project.js';
import type { WorkflowDag } from '../../shared/analysis/dag.js';
import { clients } from '../../shared/aws/clients.js';
import { DynamoStateStore, S3PayloadStore, SqsTransport } from '../../shared/runtime/aws.js';
import { handleMessage, type RuntimeDeps } from '../../shared/runtime/wrapper.js';
import { simulateWorkflow } from '../../shared/runtime/memory.js';
import { ENVELOPE_MARK, type Envelope } from '../../shared/runtime/envelope.js';
import { startRun } from '../../shared/runtime/placement.js';
import type { PayloadStore, RuntimeLog, StateStore, Transport } from '../../shared/runtime/ports.js';
import type { WorkflowPlacementDocument } from '../../shared/contracts/placement.js';
import type { CaribouWorkflow } from '../../shared/sdk/workflow.js';
import { createSyncTable } from '../../shared/workflows/resources.js';
import { syncTableName } from '../../shared/analysis/names.js';
import * as smallSync from '../../examples/small_sync_example/app.js';
import * as imageProcessing from '../../examples/image_processing/app.js';
import { ThrottleSwitch, TooManyRequestsException } from '../../local/runtime/throttle.js';

export type DataFault = 'none' | 'duplicates' | 'kill' | 'restart' | 'dynamodb-throttle' | 'invoke-throttle';

export interface DataScenarioResult {
  scenario: string;
  fault: DataFault;
  runs_started: number;
  runs_completed: number;
  runs_lost: number;
  instances_executed_twice_with_visible_effect: number;
  sync_nodes_fired_more_than_once: number;
  deliveries: number;
  duplicate_deliveries_ignored: number;
  /** Invocations that died: injected kills, a restart, or the function timeout under load. */
  invocations_killed: number;
  invokes_throttled: number;
  dynamodb_errors_injected: number;
  failed_invocations_retried: number;
  dlq_messages: number;
  dlq_explained: string[];
  time_to_drain_s: number;
  total_s: number;
  runs_per_s: number;
}

const REGION = 'us-east-1';
const KEY = `aws:${REGION}`;
/** As on Lambda: the invocation dies at its timeout; the claim lease outlives it (deployer: timeout + 30 s). */
const TIMEOUT_S = 20;
const LEASE_S = TIMEOUT_S + 5;
/** AWS requires a visibility timeout of at least the function's timeout. */
const VISIBILITY_S = TIMEOUT_S;
const MAX_RECEIVES = 12;
const never = <T>() => new Promise<T>(() => {});

interface Workflow {
  name: string;
  workflow: CaribouWorkflow;
  dag: WorkflowDag;
  inputs: unknown[];
  /** Expected executions per function, per input (from the in-memory reference run). */
  expected: Map<string, Record<string, number>>;
  queues: Map<string, { url: string; dlqUrl: string }>;
  wpd: WorkflowPlacementDocument;
}

const quiet: RuntimeLog = { info() {}, error() {} };

async function prepare(sqs: SQSClient, bucket: string, tag: string): Promise<Workflow[]> {
  const specs: Array<[string, CaribouWorkflow, unknown[]]> = [
    [
      'small_sync_example',
      smallSync.workflow,
      [true, false].flatMap((a) => [true, false].flatMap((b) => [true, false].map((c) => ({ execute_1: a, execute_2: b, execute_3: c })))),
    ],
    [
      'image_processing',
      imageProcessing.workflow,
      [0, 1, 3, 5].map((k) => ({ image_name: 'img', desired_transformations: imageProcessing.TRANSFORMATIONS.slice(0, k) })),
    ],
  ];
  const out: Workflow[] = [];
  for (const [name, workflow, inputs] of specs) {
    const dag = analyzeProject(`examples/${name}`).dag;
    const expected = new Map<string, Record<string, number>>();
    for (const input of inputs) {
      const run = await simulateWorkflow({ workflow, dag }, input, { random: () => 0.5 });
      const counts: Record<string, number> = {};
      for (const i of run.executed) counts[dag.instances[i]!.function_name] = (counts[dag.instances[i]!.function_name] ?? 0) + 1;
      expected.set(JSON.stringify(input), counts);
    }
    const queues = new Map<string, { url: string; dlqUrl: string }>();
    const functions = [...new Set(Object.values(dag.instances).map((i) => i.function_name))];
    for (const fn of functions) {
      const base = `rel-${tag}-${name.slice(0, 10)}-${fn.slice(0, 16)}`;
      const dlqUrl = (await sqs.send(new CreateQueueCommand({ QueueName: `${base}-dlq` }))).QueueUrl!;
      const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['QueueArn'] }))).Attributes!
        .QueueArn!;
      const url = (
        await sqs.send(
          new CreateQueueCommand({
            QueueName: base,
            Attributes: {
              VisibilityTimeout: String(VISIBILITY_S),
              RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: MAX_RECEIVES }),
            },
          }),
        )
      ).QueueUrl!;
      queues.set(fn, { url, dlqUrl });
    }
    const wpd: WorkflowPlacementDocument = {
      workflow_id: dag.workflow_id,
      home_region: KEY,
      instance_functions: Object.fromEntries(Object.values(dag.instances).map((i) => [i.instance_name, i.function_name])),
      endpoints: Object.fromEntries(
        functions.map((fn) => [
          fn,
          { [KEY]: { queue_url: queues.get(fn)!.url, function_arn: `arn:aws:lambda:${REGION}:000000000000:function:${fn}` } },
        ]),
      ),
    } as WorkflowPlacementDocument;
    out.push({ name, workflow, dag, inputs, expected, queues, wpd });
  }
  void bucket;
  return out;
}

/** Ports of one invocation that die (never answer again) at call number `dieAt`, or when `dead()` turns true. */
function mortal(
  deps: { state: StateStore; transport: Transport; payloads: PayloadStore },
  dieAt: number,
  dead: () => boolean,
  onDeath: () => void,
) {
  let calls = 0;
  let died = false;
  const gate = <T>(call: () => Promise<T>): Promise<T> => {
    calls += 1;
    if (!died && (calls === dieAt || dead())) {
      died = true;
      onDeath();
    }
    return died ? never<T>() : call();
  };
  const wrap = <O extends object>(target: O): O =>
    new Proxy(target, {
      get(obj, prop, receiver) {
        const value = Reflect.get(obj, prop, receiver);
        return typeof value === 'function' ? (...args: unknown[]) => gate(() => value.apply(obj, args)) : value;
      },
    });
  return { state: wrap(deps.state), transport: wrap(deps.transport), payloads: wrap(deps.payloads) };
}

export async function runDataScenario(options: {
  fault: DataFault;
  runs: number;
  sqs: SQSClient;
  bucket: string;
  setDynamoFaults: (rate: number) => Promise<number>;
  log: (line: string) => void;
}): Promise<DataScenarioResult> {
  const { fault, runs, sqs, bucket } = options;
  const tag = `${fault.replace(/[^a-z]/g, '').slice(0, 8)}${randomUUID().slice(0, 4)}`;
  const workflows = await prepare(sqs, bucket, tag);
  const tables = new Map<string, string>();
  const wfDeps = {
    controlPlane: { stackPrefix: 'bench', workflowsTable: '', placementsTable: '', artifactsBucket: bucket },
    clients,
    now: () => new Date(),
    progress: () => {},
    sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
  };
  for (const wf of workflows) {
    const table = `${syncTableName('bench', wf.dag.workflow_name, wf.dag.workflow_version)}-${tag}`;
    await createSyncTable(table, REGION, wfDeps, []);
    tables.set(wf.name, table);
  }

  const executed = new Map<string, number>(); // run|instance -> executed outcomes
  const runsOf = new Map<string, { wf: Workflow; input: unknown; done: boolean }>();
  const counters = { deliveries: 0, duplicates: 0, killed: 0, throttled: 0, failed: 0 };
  let generation = 0;
  let running = true;
  const killRate = fault === 'kill' ? 0.08 : 0;
  const throttle = new ThrottleSwitch(fault === 'invoke-throttle' ? { '*': { rate: 0.2 } } : {});

  const poll = async (wf: Workflow, fn: string, gen: number) => {
    const { url } = wf.queues.get(fn)!;
    const baseState = new DynamoStateStore(tables.get(wf.name)!, REGION);
    const transport = new SqsTransport(fault === 'duplicates');
    const payloads = new S3PayloadStore(bucket, REGION);
    while (running && gen === generation) {
      const page = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: url,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
      );
      if (!running || gen !== generation) return; // a restarted runtime does not process what its predecessor received
      await Promise.all(
        (page.Messages ?? []).map(async (message) => {
          try {
            throttle.check(fn);
          } catch (error) {
            if (!(error instanceof TooManyRequestsException)) throw error;
            counters.throttled += 1; // the mapping leaves the message queued (visible again after its visibility timeout)
            return;
          }
          const copies = fault === 'duplicates' ? 2 : 1;
          for (let copy = 0; copy < copies; copy++) {
            counters.deliveries += 1;
            const dieAt = Math.random() < killRate ? 1 + Math.floor(Math.random() * 8) : 0;
            const deadline = Date.now() + TIMEOUT_S * 1000;
            // The poller moves on from a dead invocation (its promise never settles, as a killed process never answers).
            let died: () => void = () => {};
            const death = new Promise<'dead'>((resolve) => (died = () => resolve('dead')));
            const timer = setTimeout(() => died(), TIMEOUT_S * 1000 + 500);
            const ports = mortal(
              { state: baseState, transport, payloads },
              dieAt,
              () => gen !== generation || Date.now() > deadline,
              () => {
                if (running) counters.killed += 1;
                died();
              },
            );
            const deps: RuntimeDeps = {
              ...ports,
              placements: { get: async () => wf.wpd },
              log: quiet,
              now: () => new Date(),
              random: Math.random,
              uuid: randomUUID,
              region: KEY,
              claimLeaseS: LEASE_S,
            };
            try {
              const outcome = await Promise.race([
                handleMessage(message.Body!, { workflow: wf.workflow, dag: wf.dag, functionName: fn }, deps),
                death,
              ]).finally(() => clearTimeout(timer));
              // Past its timeout Lambda has killed the invocation: nothing it does afterwards is observed.
              if (outcome === 'dead' || Date.now() > deadline) return; // no delete: the message comes back after its visibility timeout
              if (outcome.status === 'executed' && outcome.instance)
                executed.set(`${outcome.runId}|${outcome.instance}`, (executed.get(`${outcome.runId}|${outcome.instance}`) ?? 0) + 1);
              if (outcome.status === 'duplicate') counters.duplicates += 1;
              if (copy === copies - 1) await sqs.send(new DeleteMessageCommand({ QueueUrl: url, ReceiptHandle: message.ReceiptHandle! }));
            } catch {
              counters.failed += 1; // batch item failure: visible again after the visibility timeout
              return;
            }
          }
        }),
      );
    }
  };
  const pollers: Promise<void>[] = [];
  const startPollers = () => {
    const gen = generation;
    for (const wf of workflows)
      for (const fn of wf.queues.keys())
        for (let k = 0; k < 2; k++) pollers.push(poll(wf, fn, gen).catch((e) => options.log(`poller error: ${(e as Error).message}`)));
  };

  const injectedBefore = fault === 'dynamodb-throttle' ? await options.setDynamoFaults(0.1) : 0;
  const t0 = Date.now();
  startPollers();
  for (let i = 0; i < runs; i++) {
    const wf = workflows[i % workflows.length]!;
    const input = wf.inputs[Math.floor(i / workflows.length) % wf.inputs.length];
    const run = startRun(wf.wpd, {
      runId: randomUUID().replaceAll('-', ''),
      now: new Date(),
      draw: 0.5,
      homeRunRatio: 0.1,
      requestSource: 'bench',
    });
    const entry = wf.dag.instances[wf.dag.entry_instance]!;
    const envelope: Envelope = {
      [ENVELOPE_MARK]: true,
      run,
      instance: entry.instance_name,
      taint: randomUUID(),
      hops: 0,
      payload: input,
      sent_at: new Date().toISOString(),
    };
    runsOf.set(run.run_id, { wf, input, done: false });
    await sqs.send(new SendMessageCommand({ QueueUrl: wf.queues.get(entry.function_name)!.url, MessageBody: JSON.stringify(envelope) }));
    if (fault === 'duplicates')
      await sqs.send(new SendMessageCommand({ QueueUrl: wf.queues.get(entry.function_name)!.url, MessageBody: JSON.stringify(envelope) }));
    if (fault === 'restart' && i === Math.floor(runs * 0.4)) {
      generation += 1; // every invocation in flight dies where it stands; new pollers start
      startPollers();
    }
  }
  const lastStart = Date.now();

  const complete = (runId: string): boolean => {
    const r = runsOf.get(runId)!;
    const expected = r.wf.expected.get(JSON.stringify(r.input))!;
    const got: Record<string, number> = {};
    for (const [instance, fnName] of Object.entries(r.wf.wpd.instance_functions))
      if (executed.has(`${runId}|${instance}`)) got[fnName] = (got[fnName] ?? 0) + 1;
    return Object.entries(expected).every(([fnName, n]) => got[fnName] === n);
  };
  const drainLimitMs = Number(process.env.BENCH_RELIABILITY_DRAIN_S ?? 240) * 1000;
  let drained = Date.now();
  while (Date.now() - lastStart < drainLimitMs) {
    let open = 0;
    for (const [runId, r] of runsOf) if (!r.done && !(r.done = complete(runId))) open += 1;
    if (open === 0) break;
    await new Promise((r) => setTimeout(r, 250));
    drained = Date.now();
  }
  const drainedAt = Date.now();
  const injected = fault === 'dynamodb-throttle' ? (await options.setDynamoFaults(0)) - injectedBefore : 0;
  running = false;
  generation += 1;
  // Let the pollers see that (each is at most a 1 s receive away) before the caller stops the
  // emulator; bounded, so a stuck one cannot hold the bench.
  await Promise.race([Promise.allSettled(pollers), new Promise((resolve) => setTimeout(resolve, 30_000).unref())]);

  let dlqMessages = 0;
  const explained: string[] = [];
  for (const wf of workflows) {
    for (const [fn, q] of wf.queues) {
      const a = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.dlqUrl, AttributeNames: ['ApproximateNumberOfMessages'] }));
      const n = Number(a.Attributes?.ApproximateNumberOfMessages ?? 0);
      dlqMessages += n;
      if (n) explained.push(`${wf.name}/${fn}: ${n} message(s) received ${MAX_RECEIVES} times without completing`);
    }
  }
  let twice = 0;
  let syncTwice = 0;
  for (const [key, n] of executed) {
    if (n <= 1) continue;
    twice += 1;
    const [runId, instance] = key.split('|') as [string, string];
    if (runsOf.get(runId)?.wf.dag.instances[instance]?.is_sync) syncTwice += 1;
  }
  const completed = [...runsOf.values()].filter((r) => r.done).length;
  void drained;
  const totalS = (drainedAt - t0) / 1000;
  return {
    scenario: `data plane: ${fault}`,
    fault,
    runs_started: runsOf.size,
    runs_completed: completed,
    runs_lost: runsOf.size - completed,
    instances_executed_twice_with_visible_effect: twice,
    sync_nodes_fired_more_than_once: syncTwice,
    deliveries: counters.deliveries,
    duplicate_deliveries_ignored: counters.duplicates,
    invocations_killed: counters.killed,
    invokes_throttled: counters.throttled,
    dynamodb_errors_injected: injected,
    failed_invocations_retried: counters.failed,
    dlq_messages: dlqMessages,
    dlq_explained: explained,
    time_to_drain_s: +((drainedAt - lastStart) / 1000).toFixed(1),
    total_s: +totalS.toFixed(1),
    runs_per_s: +(completed / totalS).toFixed(2),
  };
}
