import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';
import { IdempotencyKeyError } from '@aws-lambda-powertools/idempotency';
import { idempotentConsumer } from '../../../shared/guards/idempotency.js';
import { assertAllowedSource, assertWithinHopLimit, childCausation } from '../../../shared/guards/loop-guard.js';
import { LoopGuardError } from '../../../shared/errors.js';
import type { InternalActionMessage } from '../../../shared/contracts/internal.js';
import { MemoryPersistence } from './memory-persistence.js';

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'r', functionName: 'f' } as unknown as Context;

function message(key: string, workflowId = 'wf-0.0.1'): InternalActionMessage {
  return {
    action: 'internal_action',
    type: 'sync_workflow',
    event: { workflow_id: workflowId },
    meta: { idempotency_key: key, root_id: 'root', hop: 1 },
  };
}

test('a duplicate internal event is processed once; its first answer is replayed', async () => {
  const processed: string[] = [];
  const consumer = idempotentConsumer(
    'log-syncer',
    async (m) => {
      processed.push(m.meta.idempotency_key);
      return { synced: m.event.workflow_id as string, at: processed.length };
    },
    new MemoryPersistence(),
  );
  consumer.registerContext(context);
  const first = await consumer(message('task-1'));
  const again = await consumer(message('task-1'));
  const other = await consumer(message('task-2'));
  assert.deepEqual(processed, ['task-1', 'task-2']);
  assert.deepEqual(again, first);
  assert.deepEqual(other, { synced: 'wf-0.0.1', at: 2 });
});

test('the key is prefixed per service: two services process the same task key independently', async () => {
  const store = new MemoryPersistence();
  const seen: string[] = [];
  const a = idempotentConsumer('service-a', async () => seen.push('a'), store);
  const b = idempotentConsumer('service-b', async () => seen.push('b'), store);
  a.registerContext(context);
  b.registerContext(context);
  await a(message('same'));
  await b(message('same'));
  assert.deepEqual(seen, ['a', 'b']);
  assert.ok(
    [...store.records.keys()].every((k) => k.startsWith('service-a#') || k.startsWith('service-b#')),
    [...store.records.keys()].join(),
  );
});

test('an event without an idempotency key is refused, not hashed as null', async () => {
  let calls = 0;
  const consumer = idempotentConsumer('log-syncer', async () => ++calls, new MemoryPersistence());
  consumer.registerContext(context);
  const noKey = { ...message('x'), meta: undefined } as unknown as InternalActionMessage;
  await assert.rejects(consumer(noKey), (error: Error) => {
    // Powertools wraps the key error in its persistence error; the cause says why.
    assert.ok(error.cause instanceof IdempotencyKeyError, `cause: ${String(error.cause)}`);
    return true;
  });
  assert.equal(calls, 0);
});

test('loop guard: a chain of emissions stops at the hop limit', () => {
  let causation = { root_id: 'root', hop: 0 };
  const hops: number[] = [];
  assert.throws(() => {
    for (;;) {
      causation = childCausation(causation, 4);
      hops.push(causation.hop);
    }
  }, LoopGuardError);
  assert.deepEqual(hops, [1, 2, 3, 4]);
  assert.throws(() => assertWithinHopLimit({ root_id: 'r', hop: 5 }, 4), /past the limit 4/);
  assert.doesNotThrow(() => assertWithinHopLimit({ root_id: 'r', hop: 4 }, 4));
});

test('loop guard: only allowed sources are accepted', () => {
  assert.doesNotThrow(() => assertAllowedSource('caribou.orchestrator', ['caribou.orchestrator']));
  assert.throws(() => assertAllowedSource('caribou.cli', ['caribou.orchestrator']), /event source "caribou.cli" is not allowed/);
  assert.throws(() => assertAllowedSource(undefined, ['caribou.orchestrator']), LoopGuardError);
});
