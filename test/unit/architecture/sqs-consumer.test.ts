// The one SQS consumer shape (shared/aws/sqs-consumer.ts) every SQS-fed handler uses: returned
// records are consumed, contract errors are consumed when the consumer refuses them, any other error
// is a batch item failure (ReportBatchItemFailures), records run one by one unless asked otherwise.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { consumeSqsBatch } from '../../../shared/aws/sqs-consumer.js';
import { LoopGuardError, TransientError, ValidationError } from '../../../shared/errors.js';

const batch = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, body, eventSource: 'aws:sqs' }) as unknown as SQSRecord),
});

const byBody = async (record: SQSRecord) => {
  if (record.body === 'bad') throw new ValidationError('not an action');
  if (record.body === 'loop') throw new LoopGuardError('past the hop limit');
  if (record.body === 'throttled') throw new TransientError('table throttled');
};

test('contract errors are consumed (and logged) where refused; transient errors become batch item failures', async () => {
  const refused: string[] = [];
  const answer = await consumeSqsBatch(batch('ok', 'bad', 'throttled', 'loop'), undefined, byBody, {
    refused: (e, r) => void refused.push(`${r.messageId}:${e.name}`),
  });
  assert.deepEqual(answer, { batchItemFailures: [{ itemIdentifier: 'm2' }] });
  assert.deepEqual(refused, ['m1:ValidationError', 'm3:LoopGuardError']);
});

test('without `refused` every error is a batch item failure; a batch that fails entirely is answered, not thrown', async () => {
  assert.deepEqual(await consumeSqsBatch(batch('bad', 'throttled'), undefined, byBody), {
    batchItemFailures: [{ itemIdentifier: 'm0' }, { itemIdentifier: 'm1' }],
  });
});

test('records run one after another by default; an empty or missing batch answers no failures', async () => {
  const order: string[] = [];
  let running = 0;
  let overlap = false;
  await consumeSqsBatch(batch('a', 'b', 'c'), undefined, async (r) => {
    overlap ||= running > 0;
    running++;
    await new Promise((resolve) => setTimeout(resolve, 5));
    order.push(r.body);
    running--;
  });
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.equal(overlap, false);
  assert.deepEqual(await consumeSqsBatch({ Records: [] }, undefined, byBody), { batchItemFailures: [] });
  assert.deepEqual(await consumeSqsBatch({} as SQSEvent, undefined, byBody), { batchItemFailures: [] });
});
