// The roles the deployer gives workflow functions (shared/workflows/resources.ts runtimePolicy):
// no wildcard action, no "*" resource, receive only from the function's own queue, send only to
// the queues of its successors (and of the sync nodes a skipped branch settles), its workflow's
// sync table, its workflow's payload objects. The example workflows are run through the real
// runtime wrapper, recording every message each function sends, to prove the policy covers exactly
// what the runtime does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { functionStems, physicalName, syncTableName } from '../../../shared/analysis/names.js';
import { messageTargets, runtimePolicy, type FunctionRegionInput } from '../../../shared/workflows/resources.js';
import type { WorkflowDeps } from '../../../shared/workflows/env.js';
import { handleMessage, type RuntimeDeps } from '../../../shared/runtime/wrapper.js';
import { MemoryLog, MemoryPayloads, MemoryState, memoryPlacement } from '../../../shared/runtime/memory.js';
import { ENVELOPE_MARK, type Envelope } from '../../../shared/runtime/envelope.js';
import { startRun } from '../../../shared/runtime/placement.js';
import type { CaribouWorkflow } from '../../../shared/sdk/workflow.js';
import type { Transport } from '../../../shared/runtime/ports.js';
import * as smallSync from '../../../examples/small_sync_example/app.js';
import * as imageProcessing from '../../../examples/image_processing/app.js';
import * as mapReduce from '../../../examples/map_reduce/app.js';
import * as t2s from '../../../examples/text_2_speech_censoring/app.js';

const EXAMPLES: Array<[string, CaribouWorkflow, unknown[]]> = [
  [
    'small_sync_example',
    smallSync.workflow,
    [true, false].flatMap((a) => [true, false].flatMap((b) => [true, false].map((c) => ({ execute_1: a, execute_2: b, execute_3: c })))),
  ],
  ['image_processing', imageProcessing.workflow, [{ desired_transformations: [] }, { desired_transformations: ['flip', 'blur'] }, {}]],
  ['map_reduce', mapReduce.workflow, [{}, { text: 'a b c a' }]],
  ['text_2_speech_censoring', t2s.workflow, [{}, { message: 'hello darn world' }]],
];

interface Statement {
  Effect: string;
  Action: string[];
  Resource: string | string[];
}
const resources = (s: Statement) => (Array.isArray(s.Resource) ? s.Resource : [s.Resource]);
const ACCOUNT = '123456789012';
const deps = {
  controlPlane: {
    stackPrefix: 'cb',
    workflowBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/cb-workflow-boundary`,
    workflowsTable: 'cb-workflows',
    placementsTable: 'cb-placements',
    artifactsBucket: 'cb-artifacts',
  },
} as unknown as WorkflowDeps;
/** The queue ARN patterns of a function in any region (both name stems when it is shortened). */
const queuePatterns = (dag: { workflow_name: string; workflow_version: string }, fn: string) =>
  Object.values(functionStems('cb', dag.workflow_name, dag.workflow_version, fn)).map((stem) => `arn:aws:sqs:*:${ACCOUNT}:${stem}_aws-*`);

/** Runs a workflow with in-memory ports and returns every (sender function -> receiver function) send. */
async function sends(dag: ReturnType<typeof analyzeProject>['dag'], workflow: CaribouWorkflow, input: unknown): Promise<Set<string>> {
  const wpd = memoryPlacement(dag);
  const byQueue = new Map(Object.entries(wpd.endpoints).map(([fn, r]) => [r['aws:us-east-1']!.queue_url, fn]));
  const state = new MemoryState();
  const payloads = new MemoryPayloads();
  const log = new MemoryLog();
  const run = startRun(wpd, {
    runId: randomUUID().replaceAll('-', ''),
    now: new Date(),
    draw: 0.5,
    homeRunRatio: 0.1,
    requestSource: 'test',
  });
  const entryFn = dag.instances[dag.entry_instance]!.function_name;
  const entry: Envelope = {
    [ENVELOPE_MARK]: true,
    run,
    instance: dag.entry_instance,
    taint: 't',
    hops: 0,
    payload: input,
    sent_at: new Date().toISOString(),
  };
  const pending = [{ fn: entryFn, body: JSON.stringify(entry) }];
  const seen = new Set<string>();
  for (let n = 0; pending.length; n++) {
    assert.ok(n < 1000);
    const message = pending.shift()!;
    const transport: Transport = {
      async send(_region, queueUrl, body) {
        const to = byQueue.get(queueUrl);
        assert.ok(to, queueUrl);
        seen.add(`${message.fn}->${to}`);
        pending.push({ fn: to, body });
      },
    };
    const runtime: RuntimeDeps = {
      transport,
      payloads,
      state,
      placements: { get: async () => wpd },
      log,
      now: () => new Date(),
      random: () => 0.5,
      uuid: randomUUID,
      region: 'aws:us-east-1',
      claimLeaseS: 60,
    };
    await handleMessage(message.body, { workflow, dag, functionName: message.fn }, runtime);
  }
  return seen;
}

for (const [dir, workflow, inputs] of EXAMPLES) {
  test(`${dir}: every message the runtime sends goes to a queue its function's role may send to`, async () => {
    const project = analyzeProject(`examples/${dir}`);
    const { dag } = project;
    const observed = new Set<string>();
    for (const input of inputs) for (const pair of await sends(dag, workflow, input)) observed.add(pair);
    for (const pair of observed) {
      const [from, to] = pair.split('->') as [string, string];
      assert.ok(messageTargets(dag, from).includes(to), `${from} sends to ${to}, outside its role (${messageTargets(dag, from)})`);
    }
    for (const fn of project.functions) {
      const input: FunctionRegionInput = {
        names: { workflowName: dag.workflow_name, workflowVersion: dag.workflow_version, workflowId: dag.workflow_id },
        fn,
        regionKey: 'aws:us-east-1',
        zip: new Uint8Array(),
        workflowPolicy: {},
        runtimeEnv: {},
        syncTable: { name: syncTableName('cb', dag.workflow_name, dag.workflow_version), region: 'us-east-1' },
        sendsTo: messageTargets(dag, fn.name),
      };
      const physical = physicalName('cb', dag.workflow_name, dag.workflow_version, fn.name, 'us-east-1');
      const ownQueue = `arn:aws:sqs:us-east-1:${ACCOUNT}:${physical}`;
      const policy = runtimePolicy(input, ownQueue, deps) as { Statement: Statement[] };
      for (const s of policy.Statement) {
        assert.equal(s.Effect, 'Allow');
        for (const action of s.Action) assert.ok(!action.includes('*'), `wildcard action ${action}`);
        for (const resource of resources(s)) assert.notEqual(resource, '*', `${fn.name}: "*" resource for ${s.Action}`);
      }
      const allowed = (action: string) => policy.Statement.filter((s) => s.Action.includes(action)).flatMap(resources);
      assert.deepEqual(allowed('sqs:ReceiveMessage'), [ownQueue], 'receives only from its own queue');
      const expectedSends = messageTargets(dag, fn.name).flatMap((t) => queuePatterns(dag, t));
      assert.deepEqual(allowed('sqs:SendMessage'), expectedSends, `${fn.name} sends only to its successors' queues`);
      assert.deepEqual(allowed('dynamodb:UpdateItem'), [
        `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${syncTableName('cb', dag.workflow_name, dag.workflow_version)}`,
      ]);
      assert.deepEqual(
        allowed('s3:GetObject'),
        [`arn:aws:s3:::cb-artifacts/payloads/${dag.workflow_id}/*`],
        "reads only its workflow's payloads",
      );
      assert.ok(
        allowed('logs:PutLogEvents').every((arn) => arn.includes(`/aws/lambda/${physical}`)),
        'writes only its own log group',
      );
      // Every sender observed in the runs is in this function's policy.
      for (const pair of observed)
        if (pair.startsWith(`${fn.name}->`))
          assert.ok(
            queuePatterns(dag, pair.split('->')[1]!).every((arn) => expectedSends.includes(arn)),
            pair,
          );
    }
  });
}

test('no workflow role may send to the entry function (only the router starts runs), except a self-call', () => {
  const project = analyzeProject('examples/map_reduce');
  const entryFn = project.dag.instances[project.dag.entry_instance]!.function_name;
  for (const fn of project.functions)
    assert.ok(
      !messageTargets(project.dag, fn.name).includes(entryFn) || fn.name === entryFn,
      `${fn.name} may send to the entry ${entryFn}`,
    );
});
