// The orchestrator's handler maps failures without touching AWS: a broken config is a 400 answer
// for a direct invoke and a consumed (not retried) batch for queue triggers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context } from 'aws-lambda';

process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
process.env.CARIBOU_ORCHESTRATOR_CONFIG = '{"labourers": {"migrator": {"max_attempts": 0}}}';
process.env.CARIBOU_TASKS_TABLE = 't';
process.env.CARIBOU_CLOSED_TASKS_TABLE = 'c';
process.env.CARIBOU_RETRY_TASKS_TABLE = 'r';
process.env.CARIBOU_EVENT_BUS_NAME = 'b';
const { handler } = await import('../../../services/orchestrator/handler.js');

const context = {
  awsRequestId: 'req-1',
  functionName: 'caribou-orchestrator',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

test('a direct invoke with an invalid config answers 400 naming the field', async () => {
  const answer = (await handler({}, context)) as { status: number; message: string };
  assert.equal(answer.status, 400);
  assert.match(answer.message, /CARIBOU_ORCHESTRATOR_CONFIG: field "labourers\.migrator\.max_attempts"/);
});

test('queue triggers (schedule, nudges) are consumed even when the cycle cannot run', async () => {
  const record = (body: string, i: number) => ({
    messageId: `m${i}`,
    body,
    eventSource: 'aws:sqs',
    receiptHandle: 'h',
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSourceARN: 'arn',
    awsRegion: 'us-east-1',
  });
  const answer = await handler(
    { Records: [record('{"source":"caribou.schedule"}', 1), record('{"source":"caribou.orchestrator.nudge"}', 2)] },
    context,
  );
  assert.deepEqual(answer, { batchItemFailures: [] });
});
