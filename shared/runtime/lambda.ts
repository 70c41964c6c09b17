// The Lambda handler of a deployed workflow function: an SQS event source mapping delivers batches;
// each record is one hop. Failed records are reported as partial batch failures so only they retry
// (and land in the DLQ after maxReceiveCount), through the one SQS consumer shape
// (shared/aws/sqs-consumer.ts; every error is a batch item failure here, records one by one).
import { randomUUID } from 'node:crypto';
import type { SQSEvent, SQSBatchResponse, Context } from 'aws-lambda';
import { requireEnv, intEnv } from '../config/env.js';
import { constructedWorkflows } from '../sdk/workflow.js';
import type { WorkflowDag } from '../analysis/dag.js';
import { DynamoPlacementSource, DynamoStateStore, PowertoolsRuntimeLog, S3PayloadStore, SqsTransport } from './aws.js';
import { handleMessage, type RuntimeDeps } from './wrapper.js';
import { consumeSqsBatch } from '../aws/sqs-consumer.js';
import { HEALTH_CHECK_KEY, type HealthAnswer, type HealthCheckEvent } from './envelope.js';

export { HEALTH_CHECK_KEY, type HealthAnswer, type HealthCheckEvent };

/** SQS batches get partial batch failures; a health check gets its answer. */
export interface WorkflowFunctionHandler {
  (event: SQSEvent, context?: Context): Promise<SQSBatchResponse>;
  (event: HealthCheckEvent, context?: Context): Promise<HealthAnswer>;
}

const isHealthCheck = (event: unknown): event is HealthCheckEvent =>
  typeof event === 'object' && event !== null && HEALTH_CHECK_KEY in event;

export interface BakedFunction {
  functionName: string;
  dag: WorkflowDag;
}

/** `depsOverride` replaces the AWS ports (tests); by default they are built from `env` on first use. */
export function createSqsHandler(
  baked: BakedFunction,
  env: NodeJS.ProcessEnv = process.env,
  depsOverride?: RuntimeDeps,
): WorkflowFunctionHandler {
  let deps: RuntimeDeps | undefined = depsOverride;
  const build = (): RuntimeDeps => {
    const homeRegion = requireEnv('CARIBOU_HOME_REGION', env);
    const controlRegion = env.CARIBOU_CONTROL_REGION || undefined;
    const log = new PowertoolsRuntimeLog(baked.dag.workflow_id);
    const ratio = env.CARIBOU_HOME_RUN_RATIO ? Number(env.CARIBOU_HOME_RUN_RATIO) : undefined;
    return {
      transport: new SqsTransport(env.CARIBOU_FAULT_DUPLICATE_SENDS === 'true'),
      payloads: new S3PayloadStore(requireEnv('CARIBOU_ARTIFACTS_BUCKET', env), controlRegion),
      state: new DynamoStateStore(requireEnv('CARIBOU_SYNC_TABLE', env), homeRegion),
      placements: new DynamoPlacementSource(requireEnv('CARIBOU_PLACEMENTS_TABLE', env), controlRegion),
      log,
      now: () => new Date(),
      random: Math.random,
      uuid: randomUUID,
      region: `aws:${requireEnv('AWS_REGION', env)}`,
      maxHops: intEnv('CARIBOU_MAX_HOPS', 20, env),
      claimLeaseS: intEnv('CARIBOU_CLAIM_LEASE_S', 960, env),
      ...(ratio !== undefined && Number.isFinite(ratio) ? { homeRunRatio: ratio } : {}),
    };
  };
  const handler = async (event: SQSEvent | HealthCheckEvent, context?: Context): Promise<SQSBatchResponse | HealthAnswer> => {
    deps ??= build();
    const workflow = constructedWorkflows().find((w) => w.workflowId === baked.dag.workflow_id);
    if (!workflow)
      throw new Error(`the bundle holds no CaribouWorkflow ${baked.dag.workflow_id}: app.ts must create it at module top level`);
    if (isHealthCheck(event)) {
      // Code loaded, environment complete, workflow registered, placement readable: ready for messages.
      const wpd = await deps.placements.get(baked.dag.workflow_id);
      return {
        caribou_health: 'ok',
        workflow_id: baked.dag.workflow_id,
        function: baked.functionName,
        region: deps.region,
        placement_version: wpd.version ?? 0,
      };
    }
    const log = deps.log;
    if (context && log instanceof PowertoolsRuntimeLog) log.logger.addContext(context);
    const current = deps;
    return consumeSqsBatch(event as SQSEvent, context, async (record) => {
      try {
        await handleMessage(record.body, { workflow, dag: baked.dag, functionName: baked.functionName }, current);
      } catch (error) {
        log.error('MESSAGE_FAILED', {
          function: baked.functionName,
          message_id: record.messageId,
          receive_count: Number(record.attributes?.ApproximateReceiveCount ?? 0),
          error: (error as Error)?.message ?? String(error),
        });
        throw error;
      }
    });
  };
  return handler as WorkflowFunctionHandler;
}
