// The idempotency guard on the real DynamoDB API of local mode: the stack's idempotency table,
// Powertools' DynamoDB persistence layer, the shared labourer consumer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { Logger } from '@aws-lambda-powertools/logger';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { labourerHandler, type TaskRef, type TaskReporter } from '../../../shared/labourer/consumer.js';
import { dynamoPersistence } from '../../../shared/guards/idempotency.js';
import { clients } from '../../../shared/aws/clients.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';

let local: LocalModeHandle;
before(async () => {
  local = await startLocalMode({ withStack: true });
  await local.reset();
});
after(async () => local?.stop());

const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'r', functionName: 'guard-test' } as unknown as Context;
const delivery = (key: string, messageId: string): SQSRecord =>
  ({
    messageId,
    eventSource: 'aws:sqs',
    body: JSON.stringify({
      id: messageId,
      source: 'caribou.orchestrator',
      'detail-type': 'caribou.internal_action.sync_workflow',
      detail: {
        action: 'internal_action',
        type: 'sync_workflow',
        event: { workflow_id: 'wf-0.0.1' },
        meta: { idempotency_key: key, task_id: key, root_id: 'root', hop: 1, attempt: 1 },
      },
    }),
  }) as unknown as SQSRecord;

test('duplicate and concurrent deliveries of one task are processed once, across handler instances', async () => {
  const table = physicalTableName(local.prefix, 'idempotency');
  const processed: string[] = [];
  const completed: string[] = [];
  const reporter: TaskReporter = { completed: async (ref: TaskRef) => void completed.push(ref.task_id), failed: async () => {} };
  // Two "containers" of the same service: separate persistence layers, one table.
  const make = () =>
    labourerHandler({
      service: 'log-syncer',
      types: ['sync_workflow'],
      process: async (m) => {
        processed.push(m.meta.idempotency_key);
        await new Promise((r) => setTimeout(r, 300));
        return { synced: true };
      },
      persistence: dynamoPersistence(table),
      reporter,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
  const [a, b] = [make(), make()];
  const batch = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
  const results = await Promise.all([a(batch(delivery('task-A', 'm1')), context), b(batch(delivery('task-A', 'm2')), context)]);
  await a(batch(delivery('task-A', 'm3'), delivery('task-B', 'm4')), context);
  assert.deepEqual(processed.sort(), ['task-A', 'task-B']);
  assert.deepEqual(results, [{ batchItemFailures: [] }, { batchItemFailures: [] }]);
  // The concurrent duplicate was dropped while in progress; the later one replayed the stored result.
  assert.deepEqual(completed.sort(), ['task-A', 'task-A', 'task-B']);
  const records = (await clients.doc().send(new ScanCommand({ TableName: table }))).Items ?? [];
  assert.equal(records.length, 2);
  assert.ok(
    records.every((r) => String(r.id).startsWith('log-syncer#') && r.status === 'COMPLETED'),
    JSON.stringify(records),
  );
});
