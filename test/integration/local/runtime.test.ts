// The local Lambda runtime against functions, queues and rules created through the AWS APIs (as the
// workflow deployer does at run time), independent of the control-plane stack.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateEventSourceMappingCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { codeSha256 } from '../../../local/runtime/code-store.js';
import { eventually, functionLogs, startLocalMode, type LocalModeHandle } from '../harness/index.js';

const run = randomUUID().slice(0, 8);
let local: LocalModeHandle;
let lambda: LambdaClient;
let sqs: SQSClient;
let roleArn: string;

function zipOf(source: string): Uint8Array {
  return zipSync({ 'index.mjs': strToU8(source) });
}

const ECHO = `
let invocations = 0;
export const handler = async (event, context) => {
  invocations++;
  const before = context.getRemainingTimeInMillis();
  await new Promise((r) => setTimeout(r, 30));
  console.log('echo', JSON.stringify(event));
  return { event, invocations, before, after: context.getRemainingTimeInMillis(), greeting: process.env.GREETING,
    fn: context.functionName, region: process.env.AWS_REGION, pid: process.pid };
};`;

// Fails a message the first time it is received (receive count 1), succeeds on the retry.
const FLAKY = `
export const handler = async (event) => {
  for (const r of event.Records) {
    if (r.attributes.ApproximateReceiveCount === '1') throw new Error('transient failure of ' + r.body);
    console.log('processed', r.body);
  }
};`;

const ALWAYS_FAILS = `export const handler = async () => { throw new Error('permanent failure'); };`;

// Reports bodies starting with "bad" as batch item failures.
const PARTIAL = `
export const handler = async (event) => {
  const batchItemFailures = [];
  for (const r of event.Records) {
    if (r.body.startsWith('bad')) batchItemFailures.push({ itemIdentifier: r.messageId });
    else console.log('ok', r.body);
  }
  return { batchItemFailures };
};`;

const SLEEPY = `export const handler = async () => { await new Promise((r) => setTimeout(r, 5000)); return 'late'; };`;

async function createFunction(
  name: string,
  source: string,
  extra: { timeoutS?: number; env?: Record<string, string> } = {},
): Promise<string> {
  const out = await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs20.x',
      Role: roleArn,
      Handler: 'index.handler',
      Code: { ZipFile: zipOf(source) },
      Timeout: extra.timeoutS ?? 10,
      MemorySize: 256,
      Environment: { Variables: extra.env ?? {} },
    }),
  );
  return out.FunctionArn!;
}

async function queueWithDlq(
  name: string,
  visibilityTimeoutS: number,
  maxReceiveCount: number,
): Promise<{ url: string; arn: string; dlqUrl: string }> {
  const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
  const dlqArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!
    .QueueArn!;
  const q = await sqs.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutS),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount }),
      },
    }),
  );
  const arn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: q.QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
  return { url: q.QueueUrl!, arn, dlqUrl: dlq.QueueUrl! };
}

async function depth(url: string): Promise<{ visible: number; inFlight: number }> {
  const a = (
    await sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: url,
        AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
      }),
    )
  ).Attributes!;
  return { visible: Number(a.ApproximateNumberOfMessages), inFlight: Number(a.ApproximateNumberOfMessagesNotVisible) };
}

async function map(functionArn: string, queueArn: string, batchSize = 10, windowS = 0): Promise<void> {
  await lambda.send(
    new CreateEventSourceMappingCommand({
      FunctionName: functionArn,
      EventSourceArn: queueArn,
      BatchSize: batchSize,
      MaximumBatchingWindowInSeconds: windowS,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 2 },
    }),
  );
}

describe('local Lambda runtime', () => {
  before(async () => {
    local = await startLocalMode({ withStack: false });
    // Every client goes through the runtime for Lambda (AWS_ENDPOINT_URL_LAMBDA), as the deployer's would.
    lambda = new LambdaClient({});
    sqs = new SQSClient({});
    const role = await new IAMClient({}).send(
      new CreateRoleCommand({
        RoleName: `lambda-${run}`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    roleArn = role.Role!.Arn!;
  });
  after(async () => {
    await local?.stop();
  });

  test('invokes a function created through the Lambda API: own env, warm reuse, decreasing remaining time, REPORT logs', async () => {
    const name = `echo-${run}`;
    await createFunction(name, ECHO, { env: { GREETING: 'hello' } });
    const first = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: strToU8(JSON.stringify({ n: 1 })), LogType: 'Tail' }));
    assert.equal(first.FunctionError, undefined);
    const a = JSON.parse(Buffer.from(first.Payload!).toString()) as Record<string, unknown>;
    assert.deepEqual(a.event, { n: 1 });
    assert.equal(a.greeting, 'hello');
    assert.equal(a.fn, name);
    assert.equal(a.region, local.region);
    assert.ok((a.before as number) <= 10_000 && (a.before as number) > 9_000, `remaining time at start: ${a.before}`);
    assert.ok((a.after as number) < (a.before as number), 'getRemainingTimeInMillis() decreases');
    const tail = Buffer.from(first.LogResult!, 'base64').toString();
    assert.match(tail, /Init Duration: [\d.]+ ms/);

    const second = JSON.parse(
      Buffer.from((await lambda.send(new InvokeCommand({ FunctionName: name, Payload: strToU8('{"n":2}') }))).Payload!).toString(),
    ) as Record<string, unknown>;
    assert.equal(second.invocations, 2, 'the warm worker was reused');
    assert.equal(second.pid, a.pid);
    assert.notEqual(a.pid, process.pid);

    const lines = await eventually(async () => {
      const l = await functionLogs(name, local.region);
      assert.equal(l.filter((m) => m.startsWith('REPORT RequestId:')).length, 2);
      return l;
    });
    const reports = lines.filter((m) => m.startsWith('REPORT'));
    assert.match(
      reports[0]!,
      /Duration: [\d.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 256 MB\tMax Memory Used: \d+ MB\tInit Duration: [\d.]+ ms/,
    );
    assert.doesNotMatch(reports[1]!, /Init Duration/);
    assert.ok(lines.some((m) => m.startsWith('START RequestId:')) && lines.some((m) => m.startsWith('END RequestId:')));
    assert.ok(
      lines.some((m) => /\tINFO\techo \{"n":1\}/.test(m)),
      'console output carries the request id and level',
    );
  });

  test('aws lambda invoke through the runtime endpoint, an Event invoke, and a 404 for an unknown function', async () => {
    const name = `echo-${run}`;
    const outFile = path.join(os.tmpdir(), `invoke-${run}.json`);
    const meta = (await local.aws(['lambda', 'invoke', '--function-name', name, '--payload', '{"via":"cli"}', outFile], 'runtime')) as {
      StatusCode: number;
    };
    assert.equal(meta.StatusCode, 200);
    const answer = JSON.parse(readFileSync(outFile, 'utf8')) as { event: unknown };
    rmSync(outFile, { force: true });
    assert.deepEqual(answer.event, { via: 'cli' });
    const event = await lambda.send(
      new InvokeCommand({ FunctionName: name, InvocationType: 'Event', Payload: strToU8('{"via":"event"}') }),
    );
    assert.equal(event.StatusCode, 202);
    await eventually(async () =>
      assert.ok(
        (await functionLogs(name, local.region)).some((m) => m.includes('{"via":"event"}')),
        'the Event invoke has not logged yet',
      ),
    );
    await assert.rejects(
      lambda.send(new InvokeCommand({ FunctionName: `missing-${run}` })),
      (e: Error) => e.name === 'ResourceNotFoundException',
    );
  });

  test('finds code by CodeSha256 in an S3 bucket when the function was created from S3 directly on the emulator', async () => {
    const zip = zipOf(`export const handler = async () => ({ from: 's3' });`);
    const s3 = new S3Client({ forcePathStyle: true });
    const bucket = `artifacts-${run}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'fn.zip', Body: zip }));
    // Created straight on the emulator: the runtime never saw the zip.
    const direct = new LambdaClient({ endpoint: local.endpoints.emulator });
    const name = `from-s3-${run}`;
    await direct.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: roleArn,
        Handler: 'index.handler',
        Code: { S3Bucket: bucket, S3Key: 'fn.zip' },
      }),
    );
    const fn = await direct.send(new GetFunctionCommand({ FunctionName: name }));
    assert.equal(fn.Configuration!.CodeSha256, codeSha256(zip));
    const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { from: 's3' });
  });

  test('a function created through the runtime from an S3 object (any key) runs that object', async () => {
    const zip = zipOf(`export const handler = async () => ({ from: 'deployer' });`);
    const s3 = new S3Client({ forcePathStyle: true });
    const bucket = `deployer-${run}`;
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'workflows/wf-1/fn', Body: zip }));
    const name = `deployed-${run}`;
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: roleArn,
        Handler: 'index.handler',
        Code: { S3Bucket: bucket, S3Key: 'workflows/wf-1/fn' },
      }),
    );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { from: 'deployer' });
  });

  test('a handler that exceeds its timeout is killed and reported', async () => {
    const name = `sleepy-${run}`;
    await createFunction(name, SLEEPY, { timeoutS: 1 });
    const started = Date.now();
    const out = await lambda.send(new InvokeCommand({ FunctionName: name }));
    assert.ok(Date.now() - started < 4000, 'returned at the timeout, not when the handler finished');
    assert.equal(out.FunctionError, 'Unhandled');
    assert.match(Buffer.from(out.Payload!).toString(), /Task timed out after 1.00 seconds/);
    await eventually(async () =>
      assert.ok(
        (await functionLogs(name, local.region)).some((m) => /REPORT .*Status: timeout/.test(m)),
        'no timeout REPORT line yet',
      ),
    );
  });

  test('a transient failure is retried through the visibility timeout and then succeeds', async () => {
    const fn = await createFunction(`flaky-${run}`, FLAKY);
    const q = await queueWithDlq(`flaky-${run}`, 1, 3);
    await map(fn, q.arn);
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'job-1' }));
    await eventually(
      async () =>
        assert.ok(
          (await functionLogs(`flaky-${run}`, local.region)).some((m) => m.includes('processed job-1')),
          'job-1 not processed yet',
        ),
      20_000,
    );
    await eventually(async () => assert.deepEqual(await depth(q.url), { visible: 0, inFlight: 0 }));
    assert.deepEqual(await depth(q.dlqUrl), { visible: 0, inFlight: 0 });
  });

  test('a handler that always throws sends the message to the DLQ after maxReceiveCount', async () => {
    const fn = await createFunction(`fails-${run}`, ALWAYS_FAILS);
    const q = await queueWithDlq(`fails-${run}`, 1, 2);
    await map(fn, q.arn);
    await sqs.send(new SendMessageCommand({ QueueUrl: q.url, MessageBody: 'doomed' }));
    const moved = await eventually(async () => {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MessageSystemAttributeNames: ['All'] }));
      assert.equal(got.Messages?.length, 1);
      return got.Messages![0]!;
    }, 20_000);
    assert.equal(moved.Body, 'doomed');
    const reports = (await functionLogs(`fails-${run}`, local.region)).filter((m) => m.startsWith('REPORT'));
    assert.equal(reports.length, 2, 'invoked exactly maxReceiveCount times');
  });

  test('partial batch failures delete only the successes', async () => {
    const name = `partial-${run}`;
    const fn = await createFunction(name, PARTIAL);
    const q = await queueWithDlq(name, 3, 1);
    // Messages first, then the mapping with a batching window: they arrive as one batch.
    await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: q.url,
        Entries: ['good-1', 'bad-1', 'good-2', 'bad-2'].map((body, i) => ({ Id: String(i), MessageBody: body })),
      }),
    );
    await map(fn, q.arn, 10, 1);
    const dead = await eventually(async () => {
      const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.dlqUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));
      const bodies = (got.Messages ?? []).map((m) => m.Body).sort();
      assert.deepEqual(bodies, ['bad-1', 'bad-2']);
      return bodies;
    }, 20_000);
    assert.equal(dead.length, 2);
    const lines = await functionLogs(name, local.region);
    assert.equal(lines.filter((m) => /\tok good-1$/.test(m)).length, 1, 'good-1 processed once (deleted after success)');
    assert.equal(lines.filter((m) => /\tok good-2$/.test(m)).length, 1);
    assert.deepEqual(await depth(q.url), { visible: 0, inFlight: 0 });
  });

  test("a mapping's maximum concurrency bounds the batches in flight", async () => {
    const name = `concurrency-${run}`;
    const fn = await createFunction(
      name,
      `export const handler = async () => { const start = Date.now(); await new Promise((r) => setTimeout(r, 700)); console.log('span', start, Date.now()); };`,
    );
    const q = await queueWithDlq(name, 30, 5);
    await sqs.send(
      new SendMessageBatchCommand({ QueueUrl: q.url, Entries: [0, 1, 2, 3, 4, 5].map((i) => ({ Id: String(i), MessageBody: `m${i}` })) }),
    );
    await lambda.send(
      new CreateEventSourceMappingCommand({
        FunctionName: fn,
        EventSourceArn: q.arn,
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 2 },
      }),
    );
    const spans = await eventually(async () => {
      const found = (await functionLogs(name, local.region)).map((m) => /\tspan (\d+) (\d+)$/.exec(m)).filter((m) => m !== null);
      assert.equal(found.length, 6);
      return found.map((m) => [Number(m[1]), Number(m[2])] as const);
    }, 20_000);
    const maxOverlap = Math.max(...spans.map(([start]) => spans.filter(([s, e]) => s <= start && start < e).length));
    assert.equal(maxOverlap, 2, 'two batches at a time, never more');
  });

  test('functions, mappings and queues in another region are served there (queue URLs are shared across regions)', async () => {
    const region = 'eu-west-1';
    const lambdaEu = new LambdaClient({ region });
    const sqsEu = new SQSClient({ region });
    const name = `eu-${run}`;
    const created = await lambdaEu.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Role: roleArn,
        Handler: 'index.handler',
        Code: {
          ZipFile: zipOf(
            `export const handler = async (e) => { for (const r of e.Records ?? []) console.log('eu got', r.body, r.awsRegion); return { region: process.env.AWS_REGION }; };`,
          ),
        },
      }),
    );
    assert.match(created.FunctionArn!, /:eu-west-1:/);
    const out = await lambdaEu.send(new InvokeCommand({ FunctionName: name }));
    assert.deepEqual(JSON.parse(Buffer.from(out.Payload!).toString()), { region });
    const { QueueUrl } = await sqsEu.send(new CreateQueueCommand({ QueueName: name }));
    const arn = (await sqsEu.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }))).Attributes!.QueueArn!;
    assert.match(arn, /:eu-west-1:/);
    await lambdaEu.send(new CreateEventSourceMappingCommand({ FunctionName: name, EventSourceArn: arn, BatchSize: 1 }));
    await sqsEu.send(new SendMessageCommand({ QueueUrl, MessageBody: 'bonjour' }));
    await eventually(async () =>
      assert.ok(
        (await functionLogs(name, region)).some((m) => m.includes('eu got bonjour eu-west-1')),
        'the eu-west-1 mapping has not run yet',
      ),
    );
  });

  test('an EventBridge rule with a Lambda target invokes the function through the runtime', async () => {
    const name = `ruled-${run}`;
    const arn = await createFunction(
      name,
      `export const handler = async (e) => { console.log('rule delivered', JSON.stringify(e.detail)); };`,
    );
    const events = new EventBridgeClient({});
    await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify({ source: [`test.${run}`] }) }));
    await events.send(new PutTargetsCommand({ Rule: name, Targets: [{ Id: 'fn', Arn: arn }] }));
    await events.send(new PutEventsCommand({ Entries: [{ Source: `test.${run}`, DetailType: 'x', Detail: '{"hello":"rule"}' }] }));
    await eventually(async () =>
      assert.ok(
        (await functionLogs(name, local.region)).some((m) => m.includes('rule delivered {"hello":"rule"}')),
        'the rule has not delivered yet',
      ),
    );
  });

  test('a scheduled rule fires with its constant input (accelerated clock)', async () => {
    const q = await queueWithDlq(`scheduled-${run}`, 30, 3);
    const events = new EventBridgeClient({});
    const rule = `every-minute-${run}`;
    await events.send(new PutRuleCommand({ Name: rule, ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' }));
    await events.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: 'q', Arn: q.arn, Input: '{"action":"log_sync"}' }] }));
    await fetch(`${local.endpoints.runtime}/_local/refresh`, { method: 'POST' });
    await local.setClock({ speed: 60 });
    try {
      const got = await eventually(async () => {
        const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: q.url, WaitTimeSeconds: 1 }));
        assert.ok(r.Messages?.length, 'no message received yet');
        return r.Messages![0]!;
      }, 10_000);
      assert.equal(got.Body, '{"action":"log_sync"}');
    } finally {
      await local.setClock({ speed: 1 });
    }
  });
});
