// LogSource on CloudWatch Logs FilterLogEvents: one page per call at the maximum page size (10,000
// events), no filter pattern (the runtime's lines are selected in code: moto and AWS differ in
// pattern support), throttling retried with exponential backoff and full jitter.
import { FilterLogEventsCommand, type CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { TransientError } from '../../../shared/errors.js';
import type { LogGroupRef, LogPage, LogSource } from '../core/ports.js';

export const MAX_PAGE_EVENTS = 10_000;
const THROTTLING = new Set([
  'ThrottlingException',
  'LimitExceededException',
  'ServiceUnavailableException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
]);

export interface CloudWatchLogSourceOptions {
  client: (region: string) => CloudWatchLogsClient;
  attempts: number;
  /** Events per page (default and maximum: 10,000). */
  pageEvents?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export class CloudWatchLogSource implements LogSource {
  requests = 0;
  constructor(private readonly options: CloudWatchLogSourceOptions) {}

  async page(group: LogGroupRef, startMs: number, endMs: number, nextToken?: string): Promise<LogPage> {
    const { attempts, baseDelayMs = 200, maxDelayMs = 10_000 } = this.options;
    const sleep = this.options.sleep ?? ((ms) => new Promise<void>((r) => setTimeout(r, ms)));
    const random = this.options.random ?? Math.random;
    for (let attempt = 1; ; attempt++) {
      try {
        this.requests++;
        // endTime is inclusive in FilterLogEvents: the window is [startMs, endMs).
        const out = await this.options.client(group.region).send(
          new FilterLogEventsCommand({
            logGroupName: group.logGroupName,
            startTime: startMs,
            endTime: endMs - 1,
            nextToken,
            limit: this.options.pageEvents ?? MAX_PAGE_EVENTS,
          }),
        );
        const events = (out.events ?? []).map((e) => ({ message: e.message ?? '', timestampMs: e.timestamp ?? 0 }));
        return out.nextToken ? { events, nextToken: out.nextToken } : { events };
      } catch (error) {
        const name = (error as Error).name;
        // A function never invoked in a region has no log group yet.
        if (name === 'ResourceNotFoundException') return { events: [] };
        // A continuation token that expired: read the range again from its start (lines are
        // deduplicated per run, and runs already counted are skipped, so re-reading is safe).
        if (name === 'InvalidParameterException' && nextToken) {
          nextToken = undefined;
          continue;
        }
        if (!THROTTLING.has(name) && (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 429) throw error;
        if (attempt >= attempts)
          throw new TransientError(
            `FilterLogEvents on ${group.logGroupName} (${group.region}) still throttled after ${attempts} attempts`,
            { cause: error },
          );
        await sleep(Math.floor(random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))));
      }
    }
  }
}
