// The control-plane stack in local mode: the seed's actions reach the action router through the
// real EventBridge rule and SQS queue (and by direct invoke), schedules fire, every function logs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBClient, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { eventually, functionLogs, startLocalMode, type LocalModeHandle } from '../harness/index.js';
import { routerAnswers } from '../../../local/inspect.js';
import { SERVICES, names } from '../../../shared/manifest/services.js';
import { PUBLIC_ACTION_DETAIL_TYPE, PUBLIC_ACTION_SOURCE } from '../../../shared/contracts/internal.js';

let local: LocalModeHandle;
let router: string;

function putEventsArgs(detail: unknown): string[] {
  const entries = [
    {
      EventBusName: names.bus(local.prefix),
      Source: PUBLIC_ACTION_SOURCE,
      DetailType: PUBLIC_ACTION_DETAIL_TYPE,
      Detail: JSON.stringify(detail),
    },
  ];
  return ['events', 'put-events', '--entries', JSON.stringify(entries)];
}

async function depth(queueName: string): Promise<number> {
  const sqs = new SQSClient({});
  const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
  const a = (
    await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    )
  ).Attributes!;
  return Number(a.ApproximateNumberOfMessages) + Number(a.ApproximateNumberOfMessagesNotVisible);
}

describe('control plane in local mode', () => {
  before(async () => {
    local = await startLocalMode({ withStack: true });
    router = names.function(local.prefix, 'action-router');
  });
  after(async () => {
    await local?.stop();
  });

  test("the seed's list action published with `aws events put-events` is answered by the router", async () => {
    const since = Date.now() - 1000;
    const out = (await local.aws(putEventsArgs({ action: 'list' }))) as { FailedEntryCount: number };
    assert.equal(out.FailedEntryCount, 0);
    const answer = await eventually(async () => {
      const found = (await routerAnswers(local.state, since)).find((a) => a.action === 'list' && a.via === 'eventbridge');
      assert.ok(found, 'the router logged an answer to list');
      return found.answer as { status: number; workflows: unknown };
    }, 30_000);
    assert.equal(answer.status, 200);
    assert.ok(Array.isArray(answer.workflows));
  });

  test('a direct `aws lambda invoke` of the router returns the answer', async () => {
    const file = path.join(os.tmpdir(), `router-${randomUUID()}.json`);
    const meta = (await local.aws(
      ['lambda', 'invoke', '--function-name', router, '--payload', '{"action":"version"}', file],
      'runtime',
    )) as { StatusCode: number; FunctionError?: string };
    const answer = JSON.parse(readFileSync(file, 'utf8')) as { status: number; version: string };
    rmSync(file, { force: true });
    assert.equal(meta.StatusCode, 200);
    assert.equal(meta.FunctionError, undefined);
    assert.equal(answer.status, 200);
    assert.match(answer.version, /^\d+\.\d+\.\d+/);
  });

  test('a malformed action is answered with a 400 and never reaches the DLQ', async () => {
    const since = Date.now() - 1000;
    await local.aws(putEventsArgs({ action: 'no_such_action', nonce: randomUUID() }));
    const answer = await eventually(async () => {
      const found = (await routerAnswers(local.state, since)).find((a) => a.action === 'no_such_action');
      assert.ok(found, 'no answer for no_such_action yet');
      return found.answer as { status: number; message: string };
    }, 30_000);
    assert.equal(answer.status, 400);
    assert.ok(answer.message.length > 0);
    await eventually(async () => assert.equal(await depth(names.queue(local.prefix, 'action-router')), 0));
    assert.equal(await depth(names.dlq(local.prefix, 'action-router')), 0);
  });

  test('a message that is not JSON on the router queue is answered with a 400 and never reaches the DLQ', async () => {
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: names.queue(local.prefix, 'action-router') }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: '{"action": "list"' }));
    await eventually(async () => {
      const lines = await functionLogs(router, local.region);
      const refused = lines.filter((l) => l.includes('"action refused"') && l.includes('not JSON'));
      assert.ok(refused.length > 0, 'the router logged a 400 for the body');
    }, 30_000);
    await eventually(async () => assert.equal(await depth(names.queue(local.prefix, 'action-router')), 0));
    assert.equal(await depth(names.dlq(local.prefix, 'action-router')), 0);
  });

  test('a scheduled rule of the stack fires and delivers its constant payload to the router', async () => {
    const since = Date.now() - 1000;
    // Jump the schedule clock to two seconds before the log_syncer timer (cron(5 0 * * ? *)).
    const today = new Date().toISOString().slice(0, 10);
    await local.setClock({ nowIso: `${today}T00:04:58Z`, speed: 1 });
    try {
      const found = await eventually(async () => {
        const a = (await routerAnswers(local.state, since)).find((x) => x.action === 'log_sync');
        assert.ok(a, 'the router answered the log_sync timer');
        return a;
      }, 30_000);
      assert.equal(found.via, 'sqs', 'a schedule target sends the constant Input as the message body');
    } finally {
      await local.setClock({ nowIso: new Date().toISOString(), speed: 1 });
    }
  });

  test('reset() empties the tables and queues but keeps the infrastructure', async () => {
    const ddb = new DynamoDBClient({});
    const table = `${local.prefix}-workflows`;
    await ddb.send(new PutItemCommand({ TableName: table, Item: { workflow_id: { S: `reset-${randomUUID()}` } } }));
    const sqs = new SQSClient({});
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: `reset-${randomUUID().slice(0, 8)}` }));
    await sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'leftover' }));
    await local.reset();
    assert.equal((await ddb.send(new ScanCommand({ TableName: table }))).Items?.length ?? 0, 0);
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))).Attributes!;
    assert.equal(a.ApproximateNumberOfMessages, '0');
    // The stack is still there and answering.
    const answer = await new LambdaClient({}).send(new InvokeCommand({ FunctionName: router, Payload: Buffer.from('{"action":"list"}') }));
    assert.deepEqual(JSON.parse(Buffer.from(answer.Payload!).toString()), { status: 200, workflows: [] });
  });

  test("each control-plane function's invocations are in CloudWatch Logs with a REPORT line", async () => {
    const lambda = new LambdaClient({});
    for (const service of SERVICES) {
      // An empty SQS batch: every service accepts it without side effects.
      await lambda.send(
        new InvokeCommand({
          FunctionName: names.function(local.prefix, service.id),
          Payload: Buffer.from(JSON.stringify({ Records: [] })),
        }),
      );
    }
    for (const service of SERVICES) {
      const name = names.function(local.prefix, service.id);
      await eventually(async () => {
        const lines = await functionLogs(name, local.region);
        assert.ok(
          lines.some((l) =>
            /^REPORT RequestId: \S+\tDuration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: \d+ MB\tMax Memory Used: \d+ MB/.test(l),
          ),
          `${name} has a REPORT line`,
        );
      });
    }
  });
});
