import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { createHandler } from '../../../services/action-router/handler.js';
import { TransientError } from '../../../shared/errors.js';
import { fakeDeps } from './fakes.js';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';

const context = {
  awsRequestId: 'req-1',
  functionName: 'caribou-action-router',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;

function sqs(...bodies: string[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, i) => ({ messageId: `m${i}`, body, eventSource: 'aws:sqs', attributes: {}, messageAttributes: {} }) as unknown as SQSRecord,
    ),
  };
}

test('direct invoke returns the answer for the seed JSON verbatim', async () => {
  const handler = createHandler(() => fakeDeps());
  assert.deepEqual(await handler({ action: 'version' }, context), { status: 200, version: '9.9.9' });
  assert.equal(((await handler({ action: 'nope' }, context)) as { status: number }).status, 400);
});

test('direct invoke of an EventBridge event routes its detail', async () => {
  const handler = createHandler(() => fakeDeps());
  const answer = await handler({ id: 'e1', source: 'caribou.cli', 'detail-type': 'caribou.action', detail: { action: 'list' } }, context);
  assert.deepEqual(answer, { status: 200, workflows: ['a_flow-0.0.2', 'b_flow-0.0.1'] });
});

test('SQS: raw bodies, EventBridge bodies and malformed bodies are all consumed; only transient errors fail', async () => {
  let calls = 0;
  const deps = fakeDeps({
    listWorkflowIds: async () => {
      calls += 1;
      if (calls === 2) throw new TransientError('throttled');
      return ['x-1'];
    },
  });
  const handler = createHandler(() => deps);
  const result = await handler(
    sqs(
      JSON.stringify({ action: 'list' }),
      JSON.stringify({ id: 'e2', source: 'caribou.cli', 'detail-type': 'caribou.action', detail: { action: 'list' } }),
      'not json',
      JSON.stringify({ action: 'list', extra: 1 }),
      JSON.stringify({ source: 'somebody.else', 'detail-type': 'caribou.action', detail: { action: 'list' } }),
      JSON.stringify({ action: 'run' }),
    ),
    context,
  );
  // Record m1 hit the transient error; every other one was answered (200 or 400) and is deleted.
  assert.deepEqual(result, { batchItemFailures: [{ itemIdentifier: 'm1' }] });
  // `{ action: 'list', extra: 1 }` is a 400 (unknown field), so only two records reached the store.
  assert.equal(calls, 2);
});
