// A hostile, deeply nested action delivered through SQS is answered 400 and consumed: neither the
// validation nor the refusal's log line may overflow the stack (that turned a 400 into retries
// into the DLQ). The logger writes here, as in production, so its serialization is exercised.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { fakeDeps } from '../router/fakes.js';

process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
const { createHandler } = await import('../../../services/action-router/handler.js');

const context = {
  awsRequestId: 'req-1',
  functionName: 'caribou-action-router',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
const sqs = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map(
    (body, i) => ({ messageId: `m${i}`, body, eventSource: 'aws:sqs', attributes: {}, messageAttributes: {} }) as unknown as SQSRecord,
  ),
});
const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`;

test('SQS: a 100,000-deep run.argument, action or unknown field is consumed (400), never a batch item failure', async () => {
  let runs = 0;
  const handler = createHandler(() => fakeDeps({ workflows: { run: async () => ((runs += 1), { runId: 'x' }), remove: async () => {} } }));
  const result = await handler(
    sqs(
      `{"action":"run","workflow_id":"a-1","argument":${deep(100_000)}}`,
      `{"action":${deep(100_000)}}`,
      `{"action":"list","junk":${deep(100_000)}}`,
      `{"id":"e","source":"caribou.cli","detail-type":"caribou.action","detail":{"action":"run","workflow_id":"a-1","argument":${deep(50_000)}}}`,
    ),
    context,
  );
  assert.deepEqual(result, { batchItemFailures: [] });
  assert.equal(runs, 0);
});

test('direct invoke: a 100,000-deep argument is answered 400 naming the field', async () => {
  const handler = createHandler(() => fakeDeps({ workflows: { run: async () => ({ runId: 'x' }), remove: async () => {} } }));
  const answer = (await handler(JSON.parse(`{"action":"run","workflow_id":"a-1","argument":${deep(100_000)}}`), context)) as {
    status: number;
    message: string;
  };
  assert.equal(answer.status, 400);
  assert.match(answer.message, /field "argument": nested deeper than 32 levels/);
});
