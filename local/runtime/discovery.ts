// Reads the topology the runtime serves from the AWS APIs of one region: functions, SQS event
// source mappings and scheduled EventBridge rules with their targets.
import { ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { ListRulesCommand, ListTargetsByRuleCommand } from '@aws-sdk/client-eventbridge';
import { clientsFor } from './clients.js';
import type { FunctionConfig } from './worker-pool.js';
import { LAMBDA_NODE_RUNTIME } from '../../shared/aws/lambda-runtime.js';

export interface MappingConfig {
  uuid: string;
  region: string;
  functionArn: string;
  queueArn: string;
  batchSize: number;
  batchingWindowS: number;
  maxConcurrency: number | undefined;
  reportBatchItemFailures: boolean;
  enabled: boolean;
}

export interface ScheduleTarget {
  id: string;
  arn: string;
  input?: string;
  inputPath?: string;
  messageGroupId?: string;
}

export interface ScheduledRule {
  arn: string;
  name: string;
  region: string;
  accountId: string;
  expression: string;
  enabled: boolean;
  targets: ScheduleTarget[];
}

export interface RegionTopology {
  region: string;
  functions: FunctionConfig[];
  mappings: MappingConfig[];
  schedules: ScheduledRule[];
}

export async function discoverFunctions(region: string): Promise<FunctionConfig[]> {
  const { lambda } = clientsFor(region);
  const functions: FunctionConfig[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListFunctionsCommand({ Marker: marker }));
    for (const f of page.Functions ?? []) {
      if (!f.FunctionArn || !f.FunctionName) continue;
      functions.push({
        name: f.FunctionName,
        arn: f.FunctionArn,
        region,
        accountId: f.FunctionArn.split(':')[4] ?? '123456789012',
        handler: f.Handler ?? 'index.handler',
        runtime: f.Runtime ?? LAMBDA_NODE_RUNTIME,
        timeoutS: f.Timeout ?? 3,
        memoryMB: f.MemorySize ?? 128,
        env: f.Environment?.Variables ?? {},
        codeSha256: f.CodeSha256 ?? '',
        lastModified: f.LastModified ?? '',
      });
    }
    marker = page.NextMarker;
  } while (marker);
  return functions;
}

export async function discoverMappings(region: string): Promise<MappingConfig[]> {
  const { lambda } = clientsFor(region);
  const mappings: MappingConfig[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListEventSourceMappingsCommand({ Marker: marker }));
    for (const m of page.EventSourceMappings ?? []) {
      if (!m.UUID || !m.EventSourceArn?.startsWith('arn:aws:sqs:') || !m.FunctionArn) continue;
      mappings.push({
        uuid: m.UUID,
        region,
        functionArn: m.FunctionArn,
        queueArn: m.EventSourceArn,
        batchSize: m.BatchSize ?? 10,
        batchingWindowS: m.MaximumBatchingWindowInSeconds ?? 0,
        maxConcurrency: m.ScalingConfig?.MaximumConcurrency,
        reportBatchItemFailures: (m.FunctionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        // moto reports "Enabled"; AWS moves through Creating/Enabling to Enabled.
        enabled: !['Disabled', 'Disabling', 'Deleting'].includes(m.State ?? 'Enabled'),
      });
    }
    marker = page.NextMarker;
  } while (marker);
  return mappings;
}

const targetCache = new Map<string, { atMs: number; targets: ScheduleTarget[] }>();
/** Targets are re-read at most this often (a rule without targets every time). */
const TARGETS_MAX_AGE_MS = 10_000;

/** Scheduled rules live on the default bus (EventBridge allows ScheduleExpression nowhere else). */
export async function discoverSchedules(region: string, forceTargets = false): Promise<ScheduledRule[]> {
  const { events } = clientsFor(region);
  const rules: ScheduledRule[] = [];
  let token: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ NextToken: token }));
    for (const r of page.Rules ?? []) {
      if (!r.ScheduleExpression || !r.Name || !r.Arn) continue;
      let cached = targetCache.get(r.Arn);
      if (forceTargets || !cached || cached.targets.length === 0 || Date.now() - cached.atMs > TARGETS_MAX_AGE_MS) {
        const listed = await events.send(new ListTargetsByRuleCommand({ Rule: r.Name }));
        cached = {
          atMs: Date.now(),
          targets: (listed.Targets ?? []).map((t) => ({
            id: t.Id ?? '',
            arn: t.Arn ?? '',
            input: t.Input,
            inputPath: t.InputPath,
            messageGroupId: t.SqsParameters?.MessageGroupId,
          })),
        };
        targetCache.set(r.Arn, cached);
      }
      rules.push({
        arn: r.Arn,
        name: r.Name,
        region,
        accountId: r.Arn.split(':')[4] ?? '123456789012',
        expression: r.ScheduleExpression,
        enabled: r.State === 'ENABLED',
        targets: cached.targets,
      });
    }
    token = page.NextToken;
  } while (token);
  return rules;
}

export async function discoverRegion(region: string, forceTargets = false): Promise<RegionTopology> {
  const [functions, mappings, schedules] = await Promise.all([
    discoverFunctions(region),
    discoverMappings(region),
    discoverSchedules(region, forceTargets),
  ]);
  return { region, functions, mappings, schedules };
}
