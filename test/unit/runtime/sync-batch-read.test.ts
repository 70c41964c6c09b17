// The sync node's batch read never returns partial data: unprocessed keys are retried with bounded,
// jittered backoff, and when they stay unprocessed the read fails with a TransientError (the SQS
// message is then failed and redelivered) instead of handing the sync node fewer payloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoStateStore, type DocumentSender } from '../../../shared/runtime/aws.js';
import { TransientError } from '../../../shared/errors.js';

type Keys = Array<{ id: string }>;

/** A document client whose BatchGetItem leaves `unprocessedPerCall[i]` keys unprocessed on call i. */
function fakeClient(table: string, unprocessedPerCall: number[]) {
  const calls: Keys[] = [];
  const client = {
    async send(command: unknown) {
      assert.ok(command instanceof BatchGetCommand);
      const keys = command.input.RequestItems![table]!.Keys as Keys;
      calls.push(keys);
      const leave = Math.min(unprocessedPerCall[calls.length - 1] ?? 0, keys.length);
      const done = keys.slice(0, keys.length - leave);
      const left = keys.slice(keys.length - leave);
      return {
        Responses: { [table]: done.map((k) => ({ id: k.id, json: JSON.stringify(k.id) })) },
        UnprocessedKeys: left.length ? { [table]: { Keys: left } } : {},
      };
    },
  };
  return { client: client as unknown as DocumentSender, calls };
}

const edges = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);

test('unprocessed keys are retried with growing, jittered, bounded delays until every payload is read', async () => {
  const { client, calls } = fakeClient('t', [3, 2, 1, 0]);
  const delays: number[] = [];
  const store = new DynamoStateStore('t', undefined, client, {
    sleep: async (ms) => void delays.push(ms),
    random: () => 0.999,
    baseDelayMs: 10,
    maxDelayMs: 25,
  });
  const out = await store.getSyncPayloads('r', 's', edges(5));
  assert.deepEqual(Object.keys(out).sort(), edges(5));
  assert.equal(calls.length, 4);
  assert.deepEqual(
    calls.slice(1).map((c) => c.length),
    [3, 2, 1],
    'only the unprocessed keys are asked again',
  );
  // full jitter under an exponential cap: 10, 20, then capped at 25
  assert.deepEqual(delays, [9, 19, 24]);
});

test('keys still unprocessed after the retry budget fail the read with a TransientError, never partial data', async () => {
  const { client, calls } = fakeClient('t', Array(100).fill(1));
  const store = new DynamoStateStore('t', undefined, client, { maxRetries: 3, sleep: async () => {} });
  await assert.rejects(store.getSyncPayloads('r', 's', edges(4)), (error: unknown) => {
    assert.ok(error instanceof TransientError);
    assert.match((error as Error).message, /1 payload\(s\) still unprocessed .* after 3 retries/);
    return true;
  });
  assert.equal(calls.length, 4, 'one read plus three bounded retries');
});

test('more than 100 edges are read in pages of 100 keys', async () => {
  const { client, calls } = fakeClient('t', []);
  const store = new DynamoStateStore('t', undefined, client, { sleep: async () => {} });
  const out = await store.getSyncPayloads('r', 's', edges(230));
  assert.equal(Object.keys(out).length, 230);
  assert.deepEqual(
    calls.map((c) => c.length),
    [100, 100, 30],
  );
});
