// Runtime wrapper behaviour beyond the examples: region choice per hour and expiry, hop limit,
// S3-by-reference payloads, user exceptions (retry, then success), external triggers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CaribouWorkflow } from '../../../shared/sdk/workflow.js';
import { buildDag } from '../../../shared/analysis/dag.js';
import type { SourceAnalysis } from '../../../shared/analysis/analyze.js';
import { chooseTimeKey, regionFor, startRun } from '../../../shared/runtime/placement.js';
import {
  MemoryLog,
  MemoryPayloads,
  MemoryState,
  MemoryTransport,
  memoryPlacement,
  simulateWorkflow,
} from '../../../shared/runtime/memory.js';
import { handleMessage, type RuntimeDeps } from '../../../shared/runtime/wrapper.js';
import { ENVELOPE_MARK, isEnvelope, type Envelope } from '../../../shared/runtime/envelope.js';
import type { PlacementPlan } from '../../../shared/contracts/placement.js';

const at = (hour: number) => new Date(Date.UTC(2026, 0, 10, hour, 30));

test('the plan hour is the numerically largest key <= the current hour', () => {
  const plan: PlacementPlan = { expiry_time: '2099-01-01T00:00:00Z', time_keys: [0, 6, 12, 18], hours: {} };
  assert.equal(chooseTimeKey(plan, at(20)), 18, 'Python picked "6" (string max)');
  assert.equal(chooseTimeKey(plan, at(6)), 6);
  assert.equal(chooseTimeKey(plan, at(5)), 0);
  assert.equal(chooseTimeKey({ ...plan, time_keys: [6, 18] }, at(2)), 18, "before the first key: the previous day's last");
  assert.equal(chooseTimeKey(undefined, at(2)), null);
});

// A two-function workflow built by hand (no source analysis needed).
const wf = new CaribouWorkflow({ name: 'unit', version: '0.0.1' });
let failuresLeft = 0;
const second = wf.serverlessFunction<{ blob: string }, number>({ name: 'second' }, (p) => {
  if (failuresLeft > 0) {
    failuresLeft--;
    throw new Error('boom');
  }
  return p.blob.length;
});
const first = wf.serverlessFunction<{ size?: number } | string, string>({ name: 'first', entryPoint: true }, (p) => {
  const size = typeof p === 'string' ? 3 : (p.size ?? 3);
  wf.invokeServerlessFunction(second, { blob: 'x'.repeat(size) });
  return 'ok';
});
const analysis: SourceAnalysis = {
  file: 'app.ts',
  workflowName: 'unit',
  workflowVersion: '0.0.1',
  workflowLocation: { file: 'app.ts', line: 1, column: 1 },
  functions: [
    {
      name: 'first',
      variable: 'first',
      entryPoint: true,
      isSync: false,
      regionsAndProviders: null,
      environmentVariables: [],
      callSites: [{ target: 'second', conditional: false, location: { file: 'app.ts', line: 1, column: 1 } }],
      location: { file: 'app.ts', line: 1, column: 1 },
    },
    {
      name: 'second',
      variable: 'second',
      entryPoint: false,
      isSync: false,
      regionsAndProviders: null,
      environmentVariables: [],
      callSites: [],
      location: { file: 'app.ts', line: 1, column: 1 },
    },
  ],
};
void first;
const dag = buildDag(analysis, {
  allowed_regions: null,
  disallowed_regions: null,
  providers: { aws: { config: { memory: 128, timeout: 10 } } },
});
const deployed = { workflow: wf, dag };
const SECOND = 'unit-0_0_1-second:unit-0_0_1-first_0_0:1';

test('a run follows its plan for its hour, home for the kept-home share, home after expiry', async () => {
  const wpd = memoryPlacement(dag, 'aws:us-east-1', ['aws:eu-west-1']);
  wpd.current_deployment = {
    expiry_time: '2026-01-10T23:00:00Z',
    time_keys: [0, 12],
    hours: { '0': {}, '12': { [SECOND]: 'aws:eu-west-1' } },
  };
  const away = await simulateWorkflow(deployed, { size: 1 }, { wpd, now: () => at(13), random: () => 0.5 });
  assert.equal(away.regions[SECOND], 'aws:eu-west-1');
  const morning = await simulateWorkflow(deployed, { size: 1 }, { wpd, now: () => at(3), random: () => 0.5 });
  assert.equal(morning.regions[SECOND], 'aws:us-east-1');
  const home = await simulateWorkflow(deployed, { size: 1 }, { wpd, now: () => at(13), random: () => 0.05 });
  assert.equal(home.regions[SECOND], 'aws:us-east-1', 'draw < 0.1 keeps the run home');
  const run = startRun(wpd, { runId: 'r', now: at(13), draw: 0.5, homeRunRatio: 0.1, requestSource: 't' });
  assert.equal(regionFor(run, SECOND, at(13)), 'aws:eu-west-1');
  assert.equal(regionFor(run, SECOND, new Date('2026-01-10T23:30:00Z')), 'aws:us-east-1', 'expiry is re-checked at every hop');
  wpd.home_run_ratio = 1;
  const allHome = await simulateWorkflow(deployed, { size: 1 }, { wpd, now: () => at(13), random: () => 0.99 });
  assert.equal(allHome.regions[SECOND], 'aws:us-east-1', 'the home ratio is configurable');
});

test('payloads over the SQS limit travel through the payload store by reference', async () => {
  const run = await simulateWorkflow(deployed, { size: 300_000 });
  assert.equal(run.results[SECOND], 300_000);
  const sendLine = run.log.lines.find((l) => l.event === 'INVOKING_SUCCESSOR')!;
  assert.equal(sendLine.payload_by_reference, true);
  assert.ok((sendLine.payload_bytes as number) < 10_000);
});

function deps(overrides: Partial<RuntimeDeps> = {}): RuntimeDeps & { transport: MemoryTransport; log: MemoryLog; state: MemoryState } {
  const wpd = memoryPlacement(dag);
  return {
    transport: new MemoryTransport(),
    payloads: new MemoryPayloads(),
    state: new MemoryState(),
    placements: { get: async () => wpd },
    log: new MemoryLog(),
    now: () => new Date(),
    random: () => 0.5,
    uuid: () => crypto.randomUUID(),
    region: 'aws:us-east-1',
    claimLeaseS: 0,
    ...overrides,
  } as RuntimeDeps & { transport: MemoryTransport; log: MemoryLog; state: MemoryState };
}

test('an external trigger of the entry point starts a run from the stored placement', async () => {
  const d = deps();
  const out = await handleMessage('"raw input"', { ...deployed, functionName: 'first' }, d);
  assert.equal(out.status, 'executed');
  assert.equal(d.transport.sent.length, 1);
  const sent = JSON.parse(d.transport.sent[0]!.body) as Envelope;
  assert.ok(isEnvelope(sent));
  assert.equal(sent.instance, SECOND);
  assert.equal(sent.hops, 1);
  assert.equal(sent.run.request_source, 'external');
  assert.ok(d.log.lines.some((l) => l.event === 'RETRIEVE_WPD'));
  await assert.rejects(handleMessage('"raw"', { ...deployed, functionName: 'second' }, d), /only the entry point/);
});

test('the hop limit drops the message with a clear error line', async () => {
  const d = deps({ maxHops: 3 });
  const run = startRun(memoryPlacement(dag), { runId: 'r1', now: new Date(), draw: 0.5, homeRunRatio: 0.1, requestSource: 't' });
  const envelope: Envelope = {
    [ENVELOPE_MARK]: true,
    run,
    instance: SECOND,
    taint: 't',
    hops: 3,
    payload: { blob: 'x' },
    sent_at: new Date().toISOString(),
  };
  const out = await handleMessage(JSON.stringify(envelope), { ...deployed, functionName: 'second' }, d);
  assert.equal(out.status, 'dropped');
  const line = d.log.lines.find((l) => l.event === 'EXCEED_HOP_ERROR')!;
  assert.equal(line.level, 'ERROR');
  assert.match(String(line.message), /4 hops exceed the limit of 3/);
});

test('a user exception is logged and rethrown (retry), the retry then runs, a later duplicate is ignored', async () => {
  const d = deps();
  const run = startRun(memoryPlacement(dag), { runId: 'r2', now: new Date(), draw: 0.5, homeRunRatio: 0.1, requestSource: 't' });
  const body = JSON.stringify({
    [ENVELOPE_MARK]: true,
    run,
    instance: SECOND,
    taint: 't',
    hops: 1,
    payload: { blob: 'abc' },
    sent_at: new Date().toISOString(),
  });
  failuresLeft = 1;
  await assert.rejects(handleMessage(body, { ...deployed, functionName: 'second' }, d), /boom/);
  assert.ok(d.log.lines.some((l) => l.event === 'CLIENT_CODE_EXCEPTION' && l.exception === 'boom'));
  assert.equal((await handleMessage(body, { ...deployed, functionName: 'second' }, d)).status, 'executed');
  assert.equal((await handleMessage(body, { ...deployed, functionName: 'second' }, d)).status, 'duplicate');
});

test('a message for another function is dropped as misrouted', async () => {
  const d = deps();
  const run = startRun(memoryPlacement(dag), { runId: 'r3', now: new Date(), draw: 0.5, homeRunRatio: 0.1, requestSource: 't' });
  const body = JSON.stringify({
    [ENVELOPE_MARK]: true,
    run,
    instance: SECOND,
    taint: 't',
    hops: 1,
    payload: {},
    sent_at: new Date().toISOString(),
  });
  assert.equal((await handleMessage(body, { ...deployed, functionName: 'first' }, d)).status, 'dropped');
});

test('SDK calls outside an invocation fail clearly', () => {
  assert.throws(() => wf.invokeServerlessFunction(second, { blob: '' }), /outside a Caribou invocation/);
  assert.throws(() => wf.serverlessFunction({ name: 'second' }, () => 1), /already registered/);
  assert.throws(() => wf.serverlessFunction({ name: 'bad name!' }, () => 1), /1-20 letters/);
});
