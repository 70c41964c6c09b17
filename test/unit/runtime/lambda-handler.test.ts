// The Lambda handler over an SQS batch: failed records are reported as batch item failures (so
// only they are retried, then land in the DLQ), successful ones are not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SQSEvent } from 'aws-lambda';
import { analyzeProject } from '../../../shared/analysis/project.js';
import { createSqsHandler } from '../../../shared/runtime/lambda.js';
import { MemoryLog, MemoryPayloads, MemoryState, MemoryTransport, memoryPlacement } from '../../../shared/runtime/memory.js';
import { startRun } from '../../../shared/runtime/placement.js';
import { ENVELOPE_MARK } from '../../../shared/runtime/envelope.js';
import '../../../examples/image_processing/app.js';

const dag = analyzeProject('examples/image_processing').dag;
const wpd = memoryPlacement(dag);

test('a batch reports exactly its failed records', async () => {
  const log = new MemoryLog();
  const transport = new MemoryTransport();
  const handler = createSqsHandler(
    { functionName: 'image_processor', dag },
    {},
    {
      transport,
      payloads: new MemoryPayloads(),
      state: new MemoryState(),
      placements: { get: async () => wpd },
      log,
      now: () => new Date(),
      random: () => 0.5,
      uuid: () => crypto.randomUUID(),
      region: 'aws:us-east-1',
      claimLeaseS: 60,
    },
  );
  const run = startRun(wpd, { runId: 'r1', now: new Date(), draw: 0.5, homeRunRatio: 0.1, requestSource: 't' });
  const body = (instance: string, payload: unknown) =>
    JSON.stringify({ [ENVELOPE_MARK]: true, run, instance, taint: 't', hops: 1, payload, sent_at: new Date().toISOString() });
  const event = {
    Records: [
      {
        messageId: 'ok',
        body: body('image_processing-0_0_1-image_processor:image_processing-0_0_1-get_requests_0_0:1', {
          image_name: 'a.jpg',
          transformation: 'flip',
        }),
        attributes: { ApproximateReceiveCount: '1' },
      },
      {
        messageId: 'bad',
        body: body('image_processing-0_0_1-image_processor:image_processing-0_0_1-get_requests_0_1:2', null),
        attributes: { ApproximateReceiveCount: '3' },
      },
    ],
  } as unknown as SQSEvent;
  const response = await handler(event);
  assert.deepEqual(response.batchItemFailures, [{ itemIdentifier: 'bad' }]);
  assert.ok(log.lines.some((l) => l.event === 'CLIENT_CODE_EXCEPTION'));
  assert.ok(log.lines.some((l) => l.event === 'MESSAGE_FAILED' && l.message_id === 'bad' && l.receive_count === 3));
  assert.equal(log.lines.filter((l) => l.event === 'EXECUTED').length, 1);
});

test('a health check invoke answers without running any workflow code or sending anything', async () => {
  const log = new MemoryLog();
  const transport = new MemoryTransport();
  const handler = createSqsHandler(
    { functionName: 'image_processor', dag },
    {},
    {
      transport,
      payloads: new MemoryPayloads(),
      state: new MemoryState(),
      placements: { get: async () => ({ ...wpd, version: 3 }) },
      log,
      now: () => new Date(),
      random: () => 0.5,
      uuid: () => crypto.randomUUID(),
      region: 'aws:us-west-2',
      claimLeaseS: 60,
    },
  );
  const answer = await handler({ caribou_health_check: { workflow_id: dag.workflow_id } });
  assert.deepEqual(answer, {
    caribou_health: 'ok',
    workflow_id: dag.workflow_id,
    function: 'image_processor',
    region: 'aws:us-west-2',
    placement_version: 3,
  });
  assert.equal(log.lines.length, 0);
  assert.equal(transport.sent.length, 0);
});
