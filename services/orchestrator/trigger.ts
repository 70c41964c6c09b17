// One orchestrator cycle for one trigger (a direct invoke, or one SQS batch of schedule messages and
// nudges), its failure mapped to an answer instead of thrown: a bad config or a missing env var is
// loud in the logs, answered 400/500, and never retries queue messages into the DLQ.
import type { Context } from 'aws-lambda';
import type { Logger } from '@aws-lambda-powertools/logger';
import { runCycle, type CycleLog, type CycleStats } from './core/cycle.js';
import { ValidationError } from '../../shared/errors.js';
import { orchestratorDepsFromEnv, type StaticDeps } from './deps.js';

/** Stop starting labourers this long before the Lambda's timeout. */
const SAFETY_MARGIN_MS = 10_000;

export type OrchestratorAnswer = { status: 200; stats: CycleStats } | { status: 400 | 500; message: string };

let deps: StaticDeps | undefined;

function cycleLogOf(logger: Logger): CycleLog {
  return {
    info: (message, extra) => logger.info(message, extra ?? {}),
    warn: (message, extra) => logger.warn(message, extra ?? {}),
    error: (message, extra) => logger.error(message, extra ?? {}),
  };
}

export async function runTriggeredCycle(logger: Logger, context: Context, trigger: string): Promise<OrchestratorAnswer> {
  try {
    deps ??= orchestratorDepsFromEnv();
    const stats = await runCycle({
      ...deps,
      owner: context.awsRequestId,
      log: cycleLogOf(logger),
      deadlineMs: Date.now() + context.getRemainingTimeInMillis() - SAFETY_MARGIN_MS,
    });
    logger.info('orchestrator cycle', { trigger, stats });
    return { status: 200, stats };
  } catch (error) {
    const status = error instanceof ValidationError ? 400 : 500;
    logger.error('orchestrator cycle failed', { error: (error as Error).message, stack: (error as Error).stack });
    return { status, message: (error as Error).message };
  }
}
