// Live loop guard in local mode: a forged internal event with a high hop count, put on the real
// bus, is dropped — by the router (public source: 400, no task created) and by the labourers'
// consumer (orchestrator source, delivered by a rule exactly like the stack's: refused, logged,
// consumed, never processed, never retried).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  DeleteRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
  RemoveTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { eventually, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { routerAnswers } from '../../../local/inspect.js';
import { names } from '../../../shared/manifest/services.js';
import { physicalTableName } from '../../../shared/manifest/tables.js';
import {
  INTERNAL_EVENT_SOURCE,
  MAX_INTERNAL_HOPS,
  PUBLIC_ACTION_DETAIL_TYPE,
  PUBLIC_ACTION_SOURCE,
  internalDetailType,
} from '../../../shared/contracts/internal.js';
import { labourerHandler } from '../../../shared/labourer/consumer.js';
import { dynamoPersistence } from '../../../shared/guards/idempotency.js';

let local: LocalModeHandle;
let sqs: SQSClient;
let events: EventBridgeClient;
const probe = `caribou-forged-probe-${randomUUID().slice(0, 8)}`;
let probeUrl: string;

before(async () => {
  local = await startLocalMode({ withStack: true });
  await local.reset();
  sqs = new SQSClient({});
  events = new EventBridgeClient({});
  probeUrl = (await sqs.send(new CreateQueueCommand({ QueueName: probe }))).QueueUrl!;
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: probeUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  // The same pattern the stack gives the log syncer's rule (terraform/manifest.ts internalRules).
  await events.send(
    new PutRuleCommand({
      Name: probe,
      EventBusName: names.bus(local.prefix),
      EventPattern: JSON.stringify({ source: [INTERNAL_EVENT_SOURCE], 'detail-type': [internalDetailType('sync_workflow')] }),
    }),
  );
  await events.send(new PutTargetsCommand({ Rule: probe, EventBusName: names.bus(local.prefix), Targets: [{ Id: 'probe', Arn: arn }] }));
});

after(async () => {
  await events?.send(new RemoveTargetsCommand({ Rule: probe, EventBusName: names.bus(local.prefix), Ids: ['probe'] })).catch(() => {});
  await events?.send(new DeleteRuleCommand({ Name: probe, EventBusName: names.bus(local.prefix) })).catch(() => {});
  if (probeUrl) await sqs.send(new DeleteQueueCommand({ QueueUrl: probeUrl })).catch(() => {});
  await local?.stop();
});

const forged = (rootId: string, hop: number) => ({
  action: 'internal_action',
  type: 'sync_workflow',
  event: { workflow_id: 'forged-1' },
  meta: { idempotency_key: `k-${rootId}`, task_id: `k-${rootId}`, root_id: rootId, hop },
});

async function tasksOfRoot(rootId: string): Promise<number> {
  const out = await new DynamoDBClient({}).send(
    new ScanCommand({
      TableName: physicalTableName(local.prefix, 'tasks'),
      FilterExpression: 'root_id = :r',
      ExpressionAttributeValues: { ':r': { S: rootId } },
    }),
  );
  return out.Items?.length ?? 0;
}

async function depth(queue: string): Promise<number> {
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queue }));
  const a = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    )
  ).Attributes!;
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
}

test('router: a public internal_action carrying hop 99 is answered 400 by the loop guard; no task is created', async () => {
  const since = Date.now() - 1000;
  const rootId = `forged-${randomUUID()}`;
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: names.bus(local.prefix),
          Source: PUBLIC_ACTION_SOURCE,
          DetailType: PUBLIC_ACTION_DETAIL_TYPE,
          Detail: JSON.stringify(forged(rootId, 99)),
        },
      ],
    }),
  );
  assert.equal(out.FailedEntryCount, 0);
  const answer = await eventually(async () => {
    const found = (await routerAnswers(local.state, since)).find((a) => a.action === 'internal_action');
    assert.ok(found, 'the router answered the forged event');
    return found.answer as { status: number; message: string };
  }, 60_000);
  assert.equal(answer.status, 400);
  assert.match(
    answer.message,
    new RegExp(`refusing to emit an internal event at hop 100 \\(limit ${MAX_INTERNAL_HOPS}\\) for root action ${rootId}`),
  );
  assert.equal(await tasksOfRoot(rootId), 0);
  await eventually(async () => assert.equal(await depth(names.queue(local.prefix, 'action-router')), 0), 30_000);
  assert.equal(await depth(names.dlq(local.prefix, 'action-router')), 0);
});

test('labourer consumer: an orchestrator-sourced event past the hop limit, delivered by the bus, is refused and consumed, never processed', async () => {
  const rootId = `forged-${randomUUID()}`;
  const out = await events.send(
    new PutEventsCommand({
      Entries: [
        {
          EventBusName: names.bus(local.prefix),
          Source: INTERNAL_EVENT_SOURCE,
          DetailType: internalDetailType('sync_workflow'),
          Detail: JSON.stringify(forged(rootId, MAX_INTERNAL_HOPS + 1)),
        },
      ],
    }),
  );
  assert.equal(out.FailedEntryCount, 0);
  const delivered = await eventually(async () => {
    const page = await sqs.send(new ReceiveMessageCommand({ QueueUrl: probeUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }));
    const found = (page.Messages ?? []).find((m) => m.Body?.includes(rootId));
    assert.ok(found, 'the rule delivered the forged event');
    return found;
  }, 30_000);
  const refused: unknown[] = [];
  let processed = 0;
  let reported = 0;
  const logger = {
    addContext() {},
    info() {},
    error: (message: string, fields: unknown) => void refused.push({ message, fields }),
  } as unknown as Logger;
  const handler = labourerHandler({
    service: 'forged-probe',
    types: ['sync_workflow'],
    process: async () => ++processed,
    persistence: dynamoPersistence(physicalTableName(local.prefix, 'idempotency')),
    reporter: { completed: async () => void ++reported, failed: async () => void ++reported },
    logger,
  });
  const sqsEvent = {
    Records: [
      {
        messageId: delivered.MessageId!,
        receiptHandle: delivered.ReceiptHandle!,
        body: delivered.Body!,
        eventSource: 'aws:sqs',
        attributes: {},
        messageAttributes: {},
      },
    ],
  } as unknown as SQSEvent;
  const context = { getRemainingTimeInMillis: () => 60_000, awsRequestId: 'r', functionName: 'forged-probe' } as unknown as Context;
  const result = await handler(sqsEvent, context);
  assert.deepEqual(result, { batchItemFailures: [] }, 'consumed: never retried into a DLQ');
  assert.equal(processed, 0);
  assert.equal(reported, 0);
  assert.equal(refused.length, 1);
  assert.match(
    JSON.stringify(refused[0]),
    new RegExp(`received an internal event at hop ${MAX_INTERNAL_HOPS + 1}, past the limit ${MAX_INTERNAL_HOPS} \\(root ${rootId}\\)`),
  );
  assert.equal(await tasksOfRoot(rootId), 0);
});
