// The fidelity fixes of our moto launcher (local/emulator/moto_launcher.py), each checked against a
// bare emulator (no local runtime polling anything), so a moto version that changes the behaviour
// underneath a patch fails here. Items refer to toolchain-notes "What moto gets wrong".
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, rmSync } from 'node:fs';
import { zipSync, strToU8 } from 'fflate';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteFunctionCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import {
  CreateTableCommand,
  DynamoDBClient,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import {
  CreateEventBusCommand,
  DisableRuleCommand,
  EventBridgeClient,
  PutEventsCommand,
  PutRuleCommand,
  PutTargetsCommand,
} from '@aws-sdk/client-eventbridge';
import { emulatorInfo, launchEmulator, type LaunchedEmulator } from '../../../local/emulator/launch.js';
import { freePort, stopGroup } from '../../../local/processes.js';
import { checkMoto } from '../../../local/tools.js';

let emulator: LaunchedEmulator;
let dir: string;
let sqs: SQSClient;
let events: EventBridgeClient;
const BUS = 'patch-test-bus';

async function queue(name: string, attributes: Record<string, string> = {}): Promise<{ url: string; arn: string }> {
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }));
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url: QueueUrl!, arn };
}

async function receiveAll(url: string): Promise<string[]> {
  const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
  return (got.Messages ?? []).map((m) => m.Body!);
}

async function put(detail: unknown, source = 'patch.test'): Promise<void> {
  const out = await events.send(
    new PutEventsCommand({ Entries: [{ EventBusName: BUS, Source: source, DetailType: 'test', Detail: JSON.stringify(detail) }] }),
  );
  assert.equal(out.FailedEntryCount, 0);
}

async function ruleTo(name: string, source: string, target: Record<string, unknown>): Promise<{ url: string }> {
  const q = await queue(name);
  await events.send(new PutRuleCommand({ Name: name, EventBusName: BUS, EventPattern: JSON.stringify({ source: [source] }) }));
  await events.send(new PutTargetsCommand({ Rule: name, EventBusName: BUS, Targets: [{ Id: 't', Arn: q.arn, ...target }] }));
  return q;
}

describe('moto launcher patches', () => {
  before(async () => {
    checkMoto();
    dir = mkdtempSync(path.join(os.tmpdir(), 'caribou-emulator-test-'));
    emulator = await launchEmulator({ port: await freePort(), logFile: path.join(dir, 'emulator.log'), ownerPid: process.pid });
    const config = { region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    sqs = new SQSClient(config);
    events = new EventBridgeClient(config);
    await events.send(new CreateEventBusCommand({ Name: BUS }));
  });
  after(async () => {
    await stopGroup(emulator?.pid);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('reports moto 5.2.1 and every patch applied', async () => {
    const info = await emulatorInfo(emulator.url);
    assert.equal(info?.motoVersion, '5.2.1');
    assert.deepEqual(info?.patches.sort(), [
      'dynamodb-serialized-requests',
      'event-targets-input-account-state',
      'inert-event-source-mappings',
      'jsonpath-parse-cache',
      'pricing-get-products-sample',
      'sqs-policy-kept-and-compact-json',
    ]);
  });

  test('item 1: an enabled event source mapping does not make moto push, redrive or fail sends', async () => {
    const config = { region: 'us-east-1', endpoint: emulator.url, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
    const iam = new IAMClient(config);
    const lambda = new LambdaClient(config);
    const role = await iam.send(new CreateRoleCommand({ RoleName: 'esm-test', AssumeRolePolicyDocument: '{}' }));
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'esm-test',
        Runtime: 'nodejs20.x',
        Role: role.Role!.Arn!,
        Handler: 'index.handler',
        Code: { ZipFile: zipSync({ 'index.mjs': strToU8('export const handler = async () => {};') }) },
      }),
    );
    const dlq = await queue('esm-test-dlq');
    const q = await queue('esm-test', { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 1 }) });
    await lambda.send(new CreateEventSourceMappingCommand({ FunctionName: 'esm-test', EventSourceArn: q.arn, BatchSize: 10 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'first' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'second' }));
    // Unpatched moto receives each message on send (receive count 1) and, with maxReceiveCount 1,
    // the next receive moves it to the DLQ.
    const got = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: q.url, MaxNumberOfMessages: 10, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    assert.deepEqual((got.Messages ?? []).map((m) => [m.Body, m.Attributes?.ApproximateReceiveCount]).sort(), [
      ['first', '1'],
      ['second', '1'],
    ]);
    assert.deepEqual(await receiveAll(dlq.url), []);
    // Unpatched moto fails every send to the queue once the mapped function is gone.
    await lambda.send(new DeleteFunctionCommand({ FunctionName: 'esm-test' }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'third' }));
  });

  test('item 4: a target with a constant Input delivers exactly that input', async () => {
    const q = await ruleTo('input-rule', 'input.test', { Input: '{"action": "log_sync"}' });
    await put({ ignored: true }, 'input.test');
    assert.deepEqual(await receiveAll(q.url), ['{"action": "log_sync"}']);
  });

  test('item 4: InputPath selects part of the event', async () => {
    const q = await ruleTo('path-rule', 'path.test', { InputPath: '$.detail' });
    await put({ action: 'list' }, 'path.test');
    assert.deepEqual(
      (await receiveAll(q.url)).map((b) => JSON.parse(b) as unknown),
      [{ action: 'list' }],
    );
  });

  test('item 4: InputTransformer with quoted and unquoted placeholders, never a 500', async () => {
    const json = await ruleTo('transform-json', 'transform.json', {
      InputTransformer: {
        InputPathsMap: { action: '$.detail.action', detail: '$.detail' },
        InputTemplate: '{"a": "<action>", "whole": <detail>}',
      },
    });
    const text = await ruleTo('transform-text', 'transform.text', {
      InputTransformer: { InputPathsMap: { action: '$.detail.action' }, InputTemplate: '<action> happened' },
    });
    await put({ action: 'list' }, 'transform.json');
    await put({ action: 'list' }, 'transform.text');
    assert.deepEqual(
      (await receiveAll(json.url)).map((b) => JSON.parse(b) as unknown),
      [{ a: 'list', whole: { action: 'list' } }],
    );
    assert.deepEqual(await receiveAll(text.url), ['list happened']);
  });

  test('item 4: delivered events carry the account; a disabled rule delivers nothing', async () => {
    const on = await ruleTo('enabled-rule', 'state.test', {});
    const off = await ruleTo('disabled-rule', 'state.test', {});
    await events.send(new DisableRuleCommand({ Name: 'disabled-rule', EventBusName: BUS }));
    await put({ n: 1 }, 'state.test');
    const delivered = (await receiveAll(on.url)).map((b) => JSON.parse(b) as Record<string, unknown>);
    assert.equal(delivered.length, 1);
    assert.equal(delivered[0]!.account, '123456789012');
    assert.match(String(delivered[0]!.time), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(delivered[0]!.detail, { n: 1 });
    assert.deepEqual(await receiveAll(off.url), []);
  });

  test('item 5: JSONPath expressions are parsed once, not on every delivery', async () => {
    const q = await ruleTo('cache-rule', 'cache.test', {
      InputTransformer: { InputPathsMap: { action: '$.detail.action' }, InputTemplate: '"<action>"' },
    });
    const before = (await emulatorInfo(emulator.url))!.jsonpathCache!;
    for (let i = 0; i < 5; i++) await put({ action: `a${i}` }, 'cache.test');
    const afterInfo = (await emulatorInfo(emulator.url))!.jsonpathCache!;
    assert.ok(afterInfo.misses - before.misses <= 1, `at most one new parse, got ${afterInfo.misses - before.misses}`);
    assert.ok(afterInfo.hits - before.hits >= 4, `cache hits for the other deliveries, got ${afterInfo.hits - before.hits}`);
    assert.equal((await receiveAll(q.url)).length, 5);
  });

  test('item 6: SetQueueAttributes without Policy keeps the policy; policies come back compact', async () => {
    const dlq = await queue('attr-dlq');
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'x', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: '*' }],
    };
    const q = await queue('attr-queue', {
      Policy: JSON.stringify(policy),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: 3 }),
    });
    await sqs.send(new SetQueueAttributesCommand({ QueueUrl: q.url, Attributes: { VisibilityTimeout: '45' } }));
    const a = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.url, AttributeNames: ['All'] }))).Attributes!;
    assert.equal(a.VisibilityTimeout, '45');
    assert.equal(a.Policy, JSON.stringify(policy));
    assert.equal(a.RedrivePolicy, `{"deadLetterTargetArn":"${dlq.arn}","maxReceiveCount":3}`);
  });
});

// Item 10: moto's DynamoDB backend reads the item, checks the condition and writes without a lock,
// so two threads of its server can both pass `attribute_not_exists` on one key. The test hook
// CARIBOU_LOCAL_MOTO_CONDITION_DELAY_MS widens that window (a sleep releases the GIL as a thread
// switch does) so the race happens every time instead of a few times in thousands of requests.
describe('moto launcher patch 10: conditional DynamoDB writes are atomic', () => {
  const WRITERS = 8;
  const launched: LaunchedEmulator[] = [];
  let raceDir: string;
  const start = async (patches: string): Promise<DynamoDBClient[]> => {
    const e = await launchEmulator({
      port: await freePort(),
      logFile: path.join(raceDir, `emulator-${launched.length}.log`),
      ownerPid: process.pid,
      env: { CARIBOU_LOCAL_MOTO_PATCHES: patches, CARIBOU_LOCAL_MOTO_CONDITION_DELAY_MS: '40' },
    });
    launched.push(e);
    // One client (one connection pool) per writer, as separate Lambda invocations have.
    const writers = Array.from(
      { length: WRITERS },
      () =>
        new DynamoDBClient({
          region: 'us-east-1',
          endpoint: e.url,
          credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
          maxAttempts: 1,
        }),
    );
    await writers[0]!.send(
      new CreateTableCommand({
        TableName: 'claims',
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
      }),
    );
    return writers;
  };
  const won = (p: Promise<unknown>) =>
    p.then(
      () => 1,
      (error: Error) => {
        if (error.name === 'ConditionalCheckFailedException' || error.name === 'TransactionCanceledException') return 0;
        throw error;
      },
    );
  // The runtime wrapper's execution claim (DynamoStateStore.claimExecution), from every writer at once.
  const claim = (writers: DynamoDBClient[], id: string) =>
    Promise.all(
      writers.map((client, i) =>
        won(
          client.send(
            new UpdateItemCommand({
              TableName: 'claims',
              Key: { id: { S: id } },
              UpdateExpression: 'SET #owner = :owner, #status = :busy, #expires = :expires',
              ConditionExpression: 'attribute_not_exists(id) OR (#status = :busy AND #expires < :now)',
              ExpressionAttributeNames: { '#owner': 'owner', '#status': 'status', '#expires': 'expires_ms' },
              ExpressionAttributeValues: {
                ':owner': { S: `w${i}` },
                ':busy': { S: 'IN_PROGRESS' },
                ':expires': { N: String(Date.now() + 60_000) },
                ':now': { N: String(Date.now()) },
              },
            }),
          ),
        ),
      ),
    ).then((wins) => wins.reduce((a, b) => a + b, 0));

  before(() => {
    checkMoto();
    raceDir = mkdtempSync(path.join(os.tmpdir(), 'caribou-emulator-race-'));
  });
  after(async () => {
    for (const e of launched) await stopGroup(e.pid);
    if (raceDir) rmSync(raceDir, { recursive: true, force: true });
  });

  test('without the patch, several concurrent claims of one key succeed (the race the patch removes)', async () => {
    const writers = await start('inert-event-source-mappings');
    const winners = [await claim(writers, 'a'), await claim(writers, 'b')];
    assert.ok(
      winners.every((n) => n > 1),
      `moto let ${winners.join(' and ')} of ${WRITERS} concurrent conditional claims succeed`,
    );
  });

  test('with the patch, exactly one of N concurrent conditional UpdateItem, PutItem and TransactWriteItems writes succeeds', async () => {
    const writers = await start('all');
    for (const id of ['a', 'b', 'c']) assert.equal(await claim(writers, id), 1, `UpdateItem claim ${id}`);
    const item = (i: number, id: string): Record<string, AttributeValue> => ({ id: { S: id }, owner: { S: `w${i}` } });
    const puts = await Promise.all(
      writers.map((c, i) =>
        won(c.send(new PutItemCommand({ TableName: 'claims', Item: item(i, 'p'), ConditionExpression: 'attribute_not_exists(id)' }))),
      ),
    );
    assert.equal(
      puts.reduce((a, b) => a + b, 0),
      1,
      'PutItem',
    );
    const transacts = await Promise.all(
      writers.map((c, i) =>
        won(
          c.send(
            new TransactWriteItemsCommand({
              TransactItems: [{ Put: { TableName: 'claims', Item: item(i, 't'), ConditionExpression: 'attribute_not_exists(id)' } }],
            }),
          ),
        ),
      ),
    );
    assert.equal(
      transacts.reduce((a, b) => a + b, 0),
      1,
      'TransactWriteItems',
    );
  });
});
