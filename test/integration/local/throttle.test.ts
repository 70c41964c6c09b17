// The local runtime's throttling switch (local/runtime/throttle.ts) on the real runtime: a
// throttled Invoke is Lambda's 429 TooManyRequestsException, a throttled event source mapping
// batch stays in its queue and is processed once after the visibility timeout, and the switch is
// set and read through /_local/throttle (rules name only this file's functions, then are cleared).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { zipSync, strToU8 } from 'fflate';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateEventSourceMappingCommand, CreateFunctionCommand, InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { CreateQueueCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { eventually, functionLogs, startLocalMode, type LocalModeHandle } from '../harness/index.js';

const run = randomUUID().slice(0, 8);
let local: LocalModeHandle;
let roleArn: string;

const throttle = async (method: 'GET' | 'POST', rules?: unknown) => {
  const response = await fetch(`${local.endpoints.runtime}/_local/throttle`, {
    method,
    body: rules === undefined ? undefined : JSON.stringify(rules),
  });
  return {
    status: response.status,
    body: (await response.json()) as { rules?: Record<string, unknown>; throttled?: Record<string, number>; message?: string },
  };
};

async function createFunction(name: string, source: string): Promise<string> {
  const out = await new LambdaClient({}).send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: zipSync({ 'index.mjs': strToU8(source) }) },
      Timeout: 10,
      MemorySize: 128,
    }),
  );
  return out.FunctionArn!;
}

describe('local runtime throttling switch', () => {
  before(async () => {
    local = await startLocalMode({ withStack: false });
    const role = await new IAMClient({}).send(
      new CreateRoleCommand({
        RoleName: `lambda-throttle-${run}`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    roleArn = role.Role!.Arn!;
  });
  after(async () => {
    if (local) await throttle('POST', {});
    await local?.stop();
  });

  test('a throttled Invoke is a 429 TooManyRequestsException; the next ones run; counts are reported', async () => {
    const name = `thr-sync-${run}`;
    await createFunction(name, `export const handler = async (e) => ({ echo: e });`);
    assert.equal((await throttle('POST', { [name]: { calls: 2 } })).status, 200);
    const lambda = new LambdaClient({ maxAttempts: 1 }); // no SDK retry: see each throttle
    for (let i = 0; i < 2; i++) {
      await assert.rejects(
        lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ i }) })),
        (error: Error & { $metadata?: { httpStatusCode?: number }; Reason?: string }) => {
          assert.equal(error.name, 'TooManyRequestsException');
          assert.equal(error.$metadata?.httpStatusCode, 429);
          assert.equal(error.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
          return true;
        },
      );
    }
    const ok = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ i: 3 }) }));
    assert.deepEqual(JSON.parse(Buffer.from(ok.Payload!).toString()), { echo: { i: 3 } });
    assert.equal((await throttle('GET')).body.throttled?.[name], 2);
  });

  test('a throttled mapping batch stays queued and is processed once after the visibility timeout', async () => {
    const name = `thr-map-${run}`;
    const arn = await createFunction(
      name,
      `export const handler = async (e) => { for (const r of e.Records) console.log('processed', r.body); };`,
    );
    const sqs = new SQSClient({});
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
    const q = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 5 }) },
      }),
    );
    const qArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
      .QueueArn!;
    await throttle('POST', { [name]: { calls: 2 } });
    await new LambdaClient({}).send(new CreateEventSourceMappingCommand({ FunctionName: arn, EventSourceArn: qArn, BatchSize: 10 }));
    await sqs.send(new SendMessageCommand({ QueueUrl: q.QueueUrl, MessageBody: 'job-1' }));
    // Every assert.ok inside eventually() carries a message: without one, Node builds it by
    // re-parsing this file at the call site, which under tsx's loader can take minutes of CPU per
    // failed attempt (nodejs/node#52962) — that, not the runtime, once made this test fail when it
    // ran after the synchronous Invoke test.
    await eventually(
      async () =>
        assert.ok(
          (await functionLogs(name, local.region)).some((m) => m.includes('processed job-1')),
          'job-1 not processed yet',
        ),
      90_000,
    );
    assert.equal((await throttle('GET')).body.throttled?.[name], 2, 'two batches throttled before the one that ran');
    await eventually(async () => {
      const a = (
        await sqs.send(
          new GetQueueAttributesCommand({
            QueueUrl: q.QueueUrl,
            AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
          }),
        )
      ).Attributes!;
      assert.deepEqual([a.ApproximateNumberOfMessages, a.ApproximateNumberOfMessagesNotVisible], ['0', '0']);
    });
    const dlqDepth = (
      await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['ApproximateNumberOfMessages'] }))
    ).Attributes!.ApproximateNumberOfMessages;
    assert.equal(dlqDepth, '0');
    assert.equal((await functionLogs(name, local.region)).filter((m) => m.includes('processed job-1')).length, 1);
  });

  test('a throttled Event invoke is accepted (202), waits and runs once', async () => {
    const name = `thr-async-${run}`;
    await createFunction(name, `export const handler = async (e) => { console.log('ran', JSON.stringify(e)); };`);
    await throttle('POST', { [name]: { calls: 2 } });
    const out = await new LambdaClient({ maxAttempts: 1 }).send(
      new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: JSON.stringify({ n: 1 }) }),
    );
    assert.equal(out.StatusCode, 202);
    await eventually(
      async () =>
        assert.ok(
          (await functionLogs(name, local.region)).some((m) => m.includes('ran {"n":1}')),
          'the Event invoke has not run yet',
        ),
      90_000,
    );
    assert.equal((await throttle('GET')).body.throttled?.[name], 2);
    assert.equal((await functionLogs(name, local.region)).filter((m) => m.includes('ran {"n":1}')).length, 1);
  });

  test('invalid rules are refused with a 400 naming the function and field, and change nothing', async () => {
    const before = (await throttle('GET')).body.rules;
    const bad = await throttle('POST', { f: { rate: 3 } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message!, /"f"\.rate must be a number from 0 to 1/);
    assert.deepEqual((await throttle('GET')).body.rules, before);
  });
});
