// Fires enabled scheduled EventBridge rules on their rate()/cron() expressions against the
// runtime's clock, delivering each target's constant `Input` (or the "Scheduled Event" that
// EventBridge sends when there is none) to Lambda functions and SQS queues.
import { randomUUID } from 'node:crypto';
import { GetQueueUrlCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { clientsFor } from './clients.js';
import type { Clock } from './clock.js';
import type { ScheduledRule, ScheduleTarget } from './discovery.js';
import { nextFireTime, parseScheduleExpression, type ScheduleExpression } from './schedule-expression.js';

export interface ScheduleState {
  rule: ScheduledRule;
  expression?: ScheduleExpression;
  error?: string;
  anchorMs: number;
  nextFireMs?: number;
  fired: number;
  lastFiredMs?: number;
  lastError?: string;
}

export type AsyncInvoke = (functionArn: string, payload: string) => void;

export function scheduledEvent(rule: ScheduledRule, timeMs: number): Record<string, unknown> {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: rule.accountId,
    time: new Date(Math.floor(timeMs / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
    region: rule.region,
    resources: [rule.arn],
    detail: {},
  };
}

/** The body EventBridge delivers to a target of a scheduled rule. */
export function targetPayload(target: ScheduleTarget, rule: ScheduledRule, timeMs: number): string {
  if (target.input !== undefined && target.input !== null) return target.input;
  const event = scheduledEvent(rule, timeMs);
  if (target.inputPath) {
    // Scheduled events are flat: support `$` and `$.field` (the paths that make sense here).
    const match = /^\$(?:\.([\w-]+))?$/.exec(target.inputPath);
    if (match) return JSON.stringify(match[1] ? event[match[1]] : event);
  }
  return JSON.stringify(event);
}

export class Scheduler {
  private readonly states = new Map<string, ScheduleState>();
  private timer?: NodeJS.Timeout;
  private readonly queueUrls = new Map<string, string>();

  constructor(
    private readonly clock: Clock,
    private readonly invokeAsync: AsyncInvoke,
    private readonly log: (line: string) => void,
    private readonly tickMs = 200,
  ) {}

  /** Replaces the known rules of `region` (kept anchors for rules that did not change). */
  update(region: string, rules: ScheduledRule[]): void {
    const seen = new Set<string>();
    for (const rule of rules) {
      const key = rule.arn;
      seen.add(key);
      const previous = this.states.get(key);
      if (previous && previous.rule.expression === rule.expression) {
        previous.rule = rule;
        continue;
      }
      const state: ScheduleState = { rule, anchorMs: this.clock.now(), fired: previous?.fired ?? 0 };
      try {
        state.expression = parseScheduleExpression(rule.expression);
        state.nextFireMs = nextFireTime(state.expression, state.anchorMs, state.anchorMs);
      } catch (error) {
        state.error = (error as Error).message;
        this.log(`rule ${rule.name}: ${state.error}`);
      }
      this.states.set(key, state);
    }
    for (const [key, state] of this.states) if (state.rule.region === region && !seen.has(key)) this.states.delete(key);
  }

  /** Recomputes every next fire time (after the clock jumped). */
  replan(): void {
    const now = this.clock.now();
    for (const state of this.states.values()) {
      if (state.expression) state.nextFireMs = nextFireTime(state.expression, now, state.anchorMs);
    }
  }

  list(): ScheduleState[] {
    return [...this.states.values()];
  }

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.tickMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  tick(): void {
    const now = this.clock.now();
    for (const state of this.states.values()) {
      if (!state.expression || state.nextFireMs === undefined || state.nextFireMs > now) continue;
      const fireMs = state.nextFireMs;
      state.nextFireMs = nextFireTime(state.expression, fireMs, state.anchorMs);
      if (!state.rule.enabled) continue;
      state.fired++;
      state.lastFiredMs = fireMs;
      for (const target of state.rule.targets) {
        this.deliver(state, target, fireMs).catch((error: Error) => {
          state.lastError = `${error.name}: ${error.message}`;
          this.log(`rule ${state.rule.name} → ${target.arn}: ${state.lastError}`);
        });
      }
    }
  }

  private async deliver(state: ScheduleState, target: ScheduleTarget, fireMs: number): Promise<void> {
    const payload = targetPayload(target, state.rule, fireMs);
    const [, , service, region, account, resource] = target.arn.split(':');
    if (service === 'lambda') {
      this.invokeAsync(target.arn, payload);
    } else if (service === 'sqs') {
      const sqs = clientsFor(region!).sqs;
      let url = this.queueUrls.get(target.arn);
      if (!url) {
        url = (await sqs.send(new GetQueueUrlCommand({ QueueName: resource, QueueOwnerAWSAccountId: account }))).QueueUrl!;
        this.queueUrls.set(target.arn, url);
      }
      await sqs
        .send(new SendMessageCommand({ QueueUrl: url, MessageBody: payload, MessageGroupId: target.messageGroupId }))
        .catch((error: Error) => {
          this.queueUrls.delete(target.arn);
          throw error;
        });
    } else {
      throw new Error(`target type "${service}" is not delivered by local mode (only Lambda and SQS targets)`);
    }
    this.log(`rule ${state.rule.name} fired at ${new Date(fireMs).toISOString()} → ${target.arn}`);
  }
}
