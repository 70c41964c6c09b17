// Property-based fuzzing of every action and internal-event contract through the router core and
// through the labourers' consumer. Invariants: no throw out of a handler for bad input; invalid
// input gets a 400 whose message names the field; a well-formed-but-invalid request is never a
// retry (batch item failure); valid input is never refused. Each property reports how many inputs it tried.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { routeAction } from '../../../services/action-router/core.js';
import { parseAction } from '../../../shared/contracts/validate.js';
import { labourerHandler, parseInternalDelivery } from '../../../shared/labourer/consumer.js';
import { INTERNAL_EVENT_SOURCE, internalDetailType, LABOURER_OF_TYPE, MAX_INTERNAL_HOPS } from '../../../shared/contracts/internal.js';
import { INTERNAL_ACTION_TYPES, type InternalActionType } from '../../../shared/contracts/actions.js';
import { LoopGuardError, ValidationError } from '../../../shared/errors.js';
import { RecordingDispatcher, fakeDeps } from '../router/fakes.js';
import { MemoryPersistence } from '../guards/memory-persistence.js';
import { internalActionMessage, junk, mutate, validAction } from './arbitraries.js';

const RUNS = Number(process.env.CARIBOU_FUZZ_RUNS ?? 150);
const ALL = ['log-syncer', 'data-collectors', 'deployment-manager', 'migrator'] as const;
/** A 400's message names the field (or says the event itself is not an object). */
const NAMES_FIELD = /field "[^"]*"|the event must be a JSON object/;

function routerDeps() {
  const dispatcher = new RecordingDispatcher();
  const deps = fakeDeps({
    dispatcher,
    available: [...ALL],
    // The real run client serializes the argument into the entry envelope: do the same.
    workflows: { run: async (r) => (JSON.stringify({ payload: r.argument }), { runId: 'r' }), remove: async () => {} },
  });
  return { deps, dispatcher };
}

async function check<T>(
  t: { diagnostic(m: string): void },
  name: string,
  arb: fc.Arbitrary<T>,
  property: (value: T) => Promise<void>,
  runs = RUNS,
) {
  let tried = 0;
  await fc.assert(
    fc.asyncProperty(arb, async (value) => {
      tried += 1;
      await property(value);
    }),
    { numRuns: runs },
  );
  t.diagnostic(`${name}: ${tried} inputs tried`);
}

test('router core: every valid action of every contract is accepted (200), never refused', async (t) => {
  await check(t, 'valid actions', validAction, async (action) => {
    const { deps } = routerDeps();
    const answer = await routeAction(action, deps);
    assert.equal(answer.status, 200, `${JSON.stringify(action)} -> ${JSON.stringify(answer)}`);
  });
});

test('router core: mutated actions are answered (never thrown); a refusal is a 400 naming the field; nothing refused is dispatched', async (t) => {
  await check(t, 'mutated actions', mutate(validAction), async (input) => {
    const { deps, dispatcher } = routerDeps();
    const answer = await routeAction(input, deps);
    let valid = true;
    try {
      parseAction(input);
    } catch (error) {
      assert.ok(error instanceof ValidationError, String(error));
      valid = false;
    }
    if (valid) assert.equal(answer.status, 200, JSON.stringify(answer));
    else {
      assert.equal(answer.status, 400);
      assert.match(String(answer.message), NAMES_FIELD);
      assert.equal(dispatcher.items.length, 0);
    }
  });
});

test('router core: arbitrary values (any shape, prototype keys, NaN) are answered 400 naming the field', async (t) => {
  await check(t, 'junk', junk, async (input) => {
    const answer = await routeAction(input, routerDeps().deps);
    assert.equal(answer.status, 400, JSON.stringify(answer));
    assert.match(String(answer.message), NAMES_FIELD);
  });
});

const logger = new Logger({ logLevel: 'SILENT' });
const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'r', functionName: 'f' } as unknown as Context;
const bus = (detail: unknown, type: string, source = INTERNAL_EVENT_SOURCE) =>
  JSON.stringify({ id: 'e', source, 'detail-type': internalDetailType(type as InternalActionType), detail });
const sqs = (bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, body, eventSource: 'aws:sqs' }) as unknown as SQSRecord),
});
const detailType = (type: unknown) => (typeof type === 'string' ? type : Object.prototype.toString.call(type));
const typesOf = (labourer: string) => INTERNAL_ACTION_TYPES.filter((type) => LABOURER_OF_TYPE[type] === labourer);

test('labourer consumer: every valid internal event within the hop limit is parsed back unchanged in meaning', async (t) => {
  await check(t, 'valid internal deliveries', internalActionMessage(MAX_INTERNAL_HOPS), async (message) => {
    const parsed = parseInternalDelivery(bus(message, message.type), typesOf(LABOURER_OF_TYPE[message.type as InternalActionType]));
    assert.equal(parsed.type, message.type);
    assert.deepEqual(parsed.meta, JSON.parse(JSON.stringify(message.meta)));
  });
});

test('labourer consumer: mutated, forged and junk deliveries are refused as ValidationError/LoopGuardError, consumed, never processed or retried', async (t) => {
  const body = fc.oneof(
    mutate(internalActionMessage(MAX_INTERNAL_HOPS) as fc.Arbitrary<Record<string, unknown>>).map((m) =>
      // The mutated type may be an object with no prototype, which String() cannot convert.
      bus(m, detailType((m as { type?: unknown })?.type)),
    ),
    internalActionMessage(1000)
      .filter((m) => m.meta.hop > MAX_INTERNAL_HOPS)
      .map((m) => bus(m, m.type)),
    internalActionMessage(MAX_INTERNAL_HOPS).map((m) => bus(m, m.type, 'caribou.cli')),
    internalActionMessage(MAX_INTERNAL_HOPS).map((m) => JSON.stringify(m)),
    junk.map((j) => JSON.stringify(j) ?? 'undefined'),
    fc.string(),
  );
  await check(
    t,
    'hostile internal deliveries',
    body,
    async (text) => {
      for (const labourer of ALL) {
        const types = typesOf(labourer);
        let accepted = false;
        try {
          parseInternalDelivery(text, types);
          accepted = true;
        } catch (error) {
          assert.ok(error instanceof ValidationError || error instanceof LoopGuardError, `${String(error)} for ${text}`);
        }
        let processed = 0;
        const reports: string[] = [];
        const handler = labourerHandler({
          service: labourer,
          types,
          process: async () => ++processed,
          persistence: new MemoryPersistence(),
          reporter: { completed: async () => void reports.push('ok'), failed: async () => void reports.push('failed') },
          logger,
        });
        const result = await handler(sqs([text]), context);
        assert.deepEqual(result, { batchItemFailures: [] });
        assert.equal(processed, accepted ? 1 : 0);
      }
    },
    Math.ceil(RUNS / 2),
  );
});
