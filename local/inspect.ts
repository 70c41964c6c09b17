// What `caribou local status`, `logs` and the demo read from a running local mode, through the
// AWS APIs of the emulator and the runtime's admin routes.
import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueAttributesCommand, ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { emulatorInfo, localEnv, runtimeHealthy, type LocalModeState } from './mode.js';
import { getJson } from './processes.js';
import { PUBLIC_ACTION_DETAIL_TYPE, PUBLIC_ACTION_SOURCE } from '../shared/contracts/internal.js';
import { names } from '../shared/manifest/services.js';
import { checkLocalNode, type NodeVersionCheck } from '../shared/aws/lambda-runtime.js';

export interface QueueDepth {
  name: string;
  region: string;
  visible: number;
  inFlight: number;
  isDlq: boolean;
}

export interface RuntimeStatus {
  regions: string[];
  clock: { nowIso: string; speed: number };
  /** process.version of the local runtime (function code runs on it). */
  nodeVersion?: string;
  lastRefreshError?: string;
  functions: Array<{ name: string; region: string; warm: number; busy: number; invocations: number; errors: number; coldStarts: number }>;
  mappings: Array<{
    uuid: string;
    functionArn: string;
    queueArn: string;
    batchSize: number;
    batchingWindowS: number;
    maxConcurrency?: number;
    stats: { batches: number; received: number; deleted: number; failed: number; lastError?: string };
  }>;
  schedules: Array<{
    rule: string;
    region: string;
    expression: string;
    enabled: boolean;
    nextFireIso?: string;
    lastFiredIso?: string;
    fired: number;
    error?: string;
    lastError?: string;
  }>;
}

export interface LocalStatus {
  healthy: boolean;
  emulator: { url: string; up: boolean; motoVersion?: string; patches?: string[] };
  runtime: { url: string; up: boolean; status?: RuntimeStatus };
  stack?: { appliedAt: string; applySeconds: number };
  queues: QueueDepth[];
  /** The Node that runs function code here versus the Lambda runtime the functions declare. */
  node: NodeVersionCheck;
}

function clientConfig(state: LocalModeState, region = state.region) {
  const env = localEnv(state);
  return { region, endpoint: env.AWS_ENDPOINT_URL, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}

export async function queueDepths(state: LocalModeState, regions: string[]): Promise<QueueDepth[]> {
  const out: QueueDepth[] = [];
  for (const region of regions) {
    const sqs = new SQSClient(clientConfig(state, region));
    const urls = (await sqs.send(new ListQueuesCommand({}))).QueueUrls ?? [];
    for (const url of urls) {
      const a =
        (
          await sqs.send(
            new GetQueueAttributesCommand({
              QueueUrl: url,
              AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'QueueArn'],
            }),
          )
        ).Attributes ?? {};
      // moto lists a queue in every region (same URL): keep the region of its ARN.
      if (a.QueueArn && a.QueueArn.split(':')[3] !== region) continue;
      const name = url.split('/').pop() ?? url;
      out.push({
        name,
        region,
        visible: Number(a.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0),
        isDlq: /dlq/i.test(name),
      });
    }
    sqs.destroy();
  }
  return out;
}

export async function localStatus(state: LocalModeState): Promise<LocalStatus> {
  const info = await emulatorInfo(state.emulator.url);
  const health = await runtimeHealthy(state.runtime.url);
  const status = health ? await getJson<RuntimeStatus>(`${state.runtime.url}/_local/status`, 5000).catch(() => undefined) : undefined;
  const queues = info ? await queueDepths(state, status?.regions ?? [state.region]).catch(() => []) : [];
  const stackOk = !state.stack || (status?.functions.length ?? 0) > 0;
  return {
    healthy: Boolean(info && info.instanceId === state.emulator.instanceId && health && status && stackOk && !status.lastRefreshError),
    emulator: { url: state.emulator.url, up: Boolean(info), motoVersion: info?.motoVersion, patches: info?.patches },
    runtime: { url: state.runtime.url, up: Boolean(health), status },
    stack: state.stack ? { appliedAt: state.stack.appliedAt, applySeconds: state.stack.applySeconds } : undefined,
    queues,
    node: checkLocalNode(status?.nodeVersion ?? process.version),
  };
}

export interface LogLine {
  timestamp: number;
  stream: string;
  message: string;
}

export async function readLogs(
  state: LocalModeState,
  functionName: string,
  options: { startTime?: number; region?: string } = {},
): Promise<LogLine[]> {
  const logs = new CloudWatchLogsClient(clientConfig(state, options.region));
  const lines: LogLine[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({ logGroupName: `/aws/lambda/${functionName}`, startTime: options.startTime, nextToken: token }),
      );
      for (const e of page.events ?? [])
        lines.push({ timestamp: e.timestamp ?? 0, stream: e.logStreamName ?? '', message: e.message ?? '' });
      token = page.nextToken;
    } while (token);
  } catch (error) {
    if ((error as Error).name !== 'ResourceNotFoundException') throw error;
  } finally {
    logs.destroy();
  }
  // moto ignores startTime in some versions: filter here too.
  return lines.filter((l) => options.startTime === undefined || l.timestamp >= options.startTime).sort((a, b) => a.timestamp - b.timestamp);
}

/** Puts a public action on the stack's bus, as `caribou <action> -r` and the seed's operators do. */
export async function publishToBus(state: LocalModeState, payload: Record<string, unknown>): Promise<string> {
  const events = new EventBridgeClient(clientConfig(state));
  try {
    const out = await events.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: names.bus(state.prefix),
            Source: PUBLIC_ACTION_SOURCE,
            DetailType: PUBLIC_ACTION_DETAIL_TYPE,
            Detail: JSON.stringify(payload),
          },
        ],
      }),
    );
    const entry = out.Entries?.[0];
    if (out.FailedEntryCount || !entry?.EventId)
      throw new Error(`the bus refused the event: ${entry?.ErrorCode ?? ''} ${entry?.ErrorMessage ?? ''}`);
    return entry.EventId;
  } finally {
    events.destroy();
  }
}

export interface RouterAnswer {
  action: unknown;
  via: unknown;
  answer: unknown;
}

/** The router's answers logged since `startTime` (Powertools JSON lines "action answered/refused"). */
export async function routerAnswers(state: LocalModeState, startTime: number): Promise<RouterAnswer[]> {
  const lines = await readLogs(state, names.function(state.prefix, 'action-router'), { startTime });
  const answers: RouterAnswer[] = [];
  for (const line of lines) {
    if (!line.message.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line.message) as Record<string, unknown>;
      if (entry.message === 'action answered' || entry.message === 'action refused')
        answers.push({ action: entry.action, via: entry.via, answer: entry.answer });
    } catch {
      // not a JSON log line
    }
  }
  return answers;
}
