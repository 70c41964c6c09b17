import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { labourerHandler, type TaskRef, type TaskReporter } from '../../../shared/labourer/consumer.js';
import { TransientError } from '../../../shared/errors.js';
import type { InternalActionMessage } from '../../../shared/contracts/internal.js';
import { MemoryPersistence } from '../guards/memory-persistence.js';

const logger = new Logger({ logLevel: 'SILENT' });
const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'r', functionName: 'f' } as unknown as Context;

class RecordingReporter implements TaskReporter {
  readonly completedIds: string[] = [];
  readonly failedIds: Array<[string, boolean]> = [];
  async completed(ref: TaskRef) {
    this.completedIds.push(ref.task_id);
  }
  async failed(ref: TaskRef, error: { retryable: boolean }) {
    this.failedIds.push([ref.task_id, error.retryable]);
  }
}

function delivery(detail: unknown, source = 'caribou.orchestrator', detailType = 'caribou.internal_action.sync_workflow'): string {
  return JSON.stringify({ id: 'e', source, 'detail-type': detailType, detail });
}
const event = (...bodies: string[]): SQSEvent => ({
  Records: bodies.map((body, i) => ({ messageId: `m${i}`, body, eventSource: 'aws:sqs' }) as unknown as SQSRecord),
});
const sync = (key: string, hop = 1, workflowId = 'wf-0.0.1') => ({
  action: 'internal_action',
  type: 'sync_workflow',
  event: { workflow_id: workflowId },
  meta: { idempotency_key: key, task_id: key, root_id: 'root', hop },
});

test('a duplicate delivery of one task is processed once and reported completed each time', async () => {
  const processed: InternalActionMessage[] = [];
  const reporter = new RecordingReporter();
  const handler = labourerHandler({
    service: 'log-syncer',
    types: ['sync_workflow'],
    process: async (m) => processed.push(m),
    persistence: new MemoryPersistence(),
    reporter,
    logger,
  });
  const result = await handler(event(delivery(sync('t1')), delivery(sync('t1')), delivery(sync('t2'))), context);
  assert.deepEqual(result, { batchItemFailures: [] });
  assert.deepEqual(
    processed.map((m) => m.meta.idempotency_key),
    ['t1', 't2'],
  );
  assert.deepEqual(reporter.completedIds, ['t1', 't1', 't2']);
});

test('forged, looping and malformed events are refused and consumed, never processed', async () => {
  let calls = 0;
  const reporter = new RecordingReporter();
  const handler = labourerHandler({
    service: 'log-syncer',
    types: ['sync_workflow'],
    process: async () => ++calls,
    persistence: new MemoryPersistence(),
    reporter,
    logger,
  });
  const result = await handler(
    event(
      delivery(sync('a'), 'caribou.cli'), // not the orchestrator
      delivery(sync('b', 5)), // past the hop limit
      delivery({ ...sync('c'), meta: undefined }), // no causation meta
      delivery(sync('d'), 'caribou.orchestrator', 'caribou.internal_action.check_workflow'), // type mismatch
      delivery({ ...sync('e'), type: 're_deploy_workflow' }, 'caribou.orchestrator', 'caribou.internal_action.re_deploy_workflow'), // not ours
      '{broken',
    ),
    context,
  );
  assert.deepEqual(result, { batchItemFailures: [] });
  assert.equal(calls, 0);
  assert.deepEqual(reporter.completedIds, []);
});

test('failures are reported to the orchestrator (its retries, not SQS redelivery); an unreportable one is left to SQS', async () => {
  const reporter = new RecordingReporter();
  const handler = labourerHandler({
    service: 'log-syncer',
    types: ['sync_workflow'],
    process: async (m) => {
      if (m.meta.idempotency_key === 'flaky') throw new TransientError('table throttled');
      throw new Error('workflow has no logs group');
    },
    persistence: new MemoryPersistence(),
    reporter,
    logger,
  });
  const result = await handler(event(delivery(sync('flaky')), delivery(sync('broken'))), context);
  assert.deepEqual(result, { batchItemFailures: [] });
  assert.deepEqual(reporter.failedIds, [
    ['flaky', true],
    ['broken', false],
  ]);
  const unreachable: TaskReporter = {
    completed: async () => {},
    failed: async () => {
      throw new TransientError('tasks table throttled');
    },
  };
  const stuck = labourerHandler({
    service: 'log-syncer',
    types: ['sync_workflow'],
    process: async () => {
      throw new Error('boom');
    },
    persistence: new MemoryPersistence(),
    reporter: unreachable,
    logger,
  });
  assert.deepEqual(await stuck(event(delivery(sync('x'))), context), { batchItemFailures: [{ itemIdentifier: 'm0' }] });
});
