import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Message } from '@aws-sdk/client-sqs';
import { messagesToDelete, sqsRecord } from '../../../local/runtime/sqs-poller.js';
import { scheduledEvent, targetPayload } from '../../../local/runtime/scheduler.js';
import { parseFunctionRef } from '../../../local/runtime/runtime.js';
import { regionOfRequest } from '../../../local/runtime/server.js';
import { Clock } from '../../../local/runtime/clock.js';
import type { InvocationResult } from '../../../local/runtime/worker-pool.js';
import type { ScheduledRule } from '../../../local/runtime/discovery.js';

const msgs: Message[] = ['a', 'b', 'c'].map((id) => ({ MessageId: id, ReceiptHandle: `rh-${id}`, Body: id }));
const result = (ok: boolean, payload?: unknown): InvocationResult => ({
  requestId: 'r',
  ok,
  payload,
  status: ok ? 'success' : 'error',
  durationMs: 1,
  billedDurationMs: 1,
  maxMemoryUsedMB: 1,
  logLines: [],
  logStream: 's',
});
const ids = (m: Message[]) => m.map((x) => x.MessageId);

test('a successful batch is deleted; a failed invocation deletes nothing', () => {
  assert.deepEqual(ids(messagesToDelete(msgs, result(true, null), true)), ['a', 'b', 'c']);
  assert.deepEqual(ids(messagesToDelete(msgs, result(true, { batchItemFailures: [] }), true)), ['a', 'b', 'c']);
  assert.deepEqual(ids(messagesToDelete(msgs, result(false), true)), []);
});

test('batchItemFailures keep exactly the failed messages, only when the mapping reports them', () => {
  const partial = result(true, { batchItemFailures: [{ itemIdentifier: 'b' }] });
  assert.deepEqual(ids(messagesToDelete(msgs, partial, true)), ['a', 'c']);
  assert.deepEqual(ids(messagesToDelete(msgs, partial, false)), ['a', 'b', 'c'], 'without ReportBatchItemFailures the response is ignored');
});

test('an unknown or empty itemIdentifier fails the whole batch, as Lambda does', () => {
  assert.deepEqual(ids(messagesToDelete(msgs, result(true, { batchItemFailures: [{ itemIdentifier: 'zz' }] }), true)), []);
  assert.deepEqual(ids(messagesToDelete(msgs, result(true, { batchItemFailures: [{ itemIdentifier: '' }] }), true)), []);
  assert.deepEqual(ids(messagesToDelete(msgs, result(true, { batchItemFailures: 'oops' }), true)), []);
});

test('SQS records have the shape Lambda delivers', () => {
  const record = sqsRecord(
    {
      MessageId: 'm1',
      ReceiptHandle: 'rh',
      Body: '{"action":"list"}',
      MD5OfBody: 'md5',
      Attributes: { ApproximateReceiveCount: '1' },
      MessageAttributes: { trace: { DataType: 'String', StringValue: 'abc' } },
    },
    'arn:aws:sqs:eu-west-1:123456789012:q',
  );
  assert.equal(record.eventSource, 'aws:sqs');
  assert.equal(record.awsRegion, 'eu-west-1');
  assert.equal(record.eventSourceARN, 'arn:aws:sqs:eu-west-1:123456789012:q');
  assert.deepEqual(record.attributes, { ApproximateReceiveCount: '1' });
  assert.deepEqual(record.messageAttributes, {
    trace: { stringValue: 'abc', binaryValue: undefined, stringListValues: [], binaryListValues: [], dataType: 'String' },
  });
});

const rule: ScheduledRule = {
  arn: 'arn:aws:events:us-east-1:123456789012:rule/r',
  name: 'r',
  region: 'us-east-1',
  accountId: '123456789012',
  expression: 'rate(1 minute)',
  enabled: true,
  targets: [],
};

test("schedule targets get their constant Input verbatim, otherwise EventBridge's Scheduled Event", () => {
  assert.equal(targetPayload({ id: 't', arn: 'x', input: '{"action":"log_sync"}' }, rule, 0), '{"action":"log_sync"}');
  const event = JSON.parse(targetPayload({ id: 't', arn: 'x' }, rule, Date.parse('2026-01-01T00:05:00.123Z'))) as Record<string, unknown>;
  assert.equal(event['detail-type'], 'Scheduled Event');
  assert.equal(event.source, 'aws.events');
  assert.equal(event.time, '2026-01-01T00:05:00Z');
  assert.deepEqual(event.resources, [rule.arn]);
  assert.equal(targetPayload({ id: 't', arn: 'x', inputPath: '$.resources' }, rule, 0), JSON.stringify([rule.arn]));
  assert.equal(scheduledEvent(rule, 0).account, '123456789012');
});

test('function references: name, name:qualifier, partial and full ARNs', () => {
  assert.deepEqual(parseFunctionRef('fn', 'us-east-1'), { region: 'us-east-1', name: 'fn', qualifier: undefined });
  assert.deepEqual(parseFunctionRef('fn:$LATEST', 'us-east-1'), { region: 'us-east-1', name: 'fn', qualifier: '$LATEST' });
  assert.deepEqual(parseFunctionRef('123456789012:function:fn', 'eu-west-1'), { region: 'eu-west-1', name: 'fn', qualifier: undefined });
  assert.deepEqual(parseFunctionRef('arn:aws:lambda:ap-south-1:123456789012:function:fn:1', 'us-east-1'), {
    region: 'ap-south-1',
    name: 'fn',
    qualifier: '1',
  });
});

test('the region of a Lambda API request comes from its SigV4 credential scope', () => {
  const auth = 'AWS4-HMAC-SHA256 Credential=test/20261123/eu-central-1/lambda/aws4_request, SignedHeaders=host, Signature=x';
  assert.equal(regionOfRequest({ authorization: auth }, 'us-east-1'), 'eu-central-1');
  assert.equal(regionOfRequest({}, 'us-east-1'), 'us-east-1');
});

test('the clock runs at its speed and can be moved', () => {
  let real = 1_000_000;
  const clock = new Clock(60, 0, () => real);
  real += 1000;
  assert.equal(clock.now(), 60_000);
  clock.set({ speed: 1 });
  real += 1000;
  assert.equal(clock.now(), 61_000);
  clock.set({ nowMs: 5 });
  assert.equal(clock.now(), 5);
  assert.throws(() => clock.set({ speed: 0 }), RangeError);
});
