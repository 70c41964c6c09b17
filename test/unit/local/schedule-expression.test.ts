import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nextFireTime, parseScheduleExpression } from '../../../local/runtime/schedule-expression.js';
import { ValidationError } from '../../../shared/errors.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
const next = (expr: string, after: string) => iso(nextFireTime(parseScheduleExpression(expr), at(after)));

test('the six caribou timers (caribou-spec §2.3) fire at their documented times', () => {
  assert.equal(next('cron(5 0 1 * ? *)', '2026-11-23T19:00:00Z'), '2026-12-01T00:05:00.000Z');
  assert.equal(next('cron(30 0 * * ? *)', '2026-11-23T19:00:00Z'), '2026-11-24T00:30:00.000Z');
  assert.equal(next('cron(5 0 * * ? *)', '2026-11-24T00:04:59Z'), '2026-11-24T00:05:00.000Z');
  assert.equal(next('cron(0 1 * * ? *)', '2026-11-24T01:00:00Z'), '2026-11-25T01:00:00.000Z');
  assert.equal(next('cron(0 2 * * ? *)', '2026-12-31T23:59:00Z'), '2027-01-01T02:00:00.000Z');
});

test('ranges, steps, lists, names and wrapping ranges', () => {
  assert.equal(next('cron(0/15 * * * ? *)', '2026-01-01T10:07:00Z'), '2026-01-01T10:15:00.000Z');
  assert.equal(next('cron(10,40 8-9 * * ? *)', '2026-01-01T09:41:00Z'), '2026-01-02T08:10:00.000Z');
  // 2026-01-02 is a Friday; MON-FRI skips the weekend.
  assert.equal(next('cron(0 12 ? * MON-FRI *)', '2026-01-02T13:00:00Z'), '2026-01-05T12:00:00.000Z');
  // FRI-MON wraps: Saturday is included.
  assert.equal(next('cron(0 12 ? * FRI-MON *)', '2026-01-02T13:00:00Z'), '2026-01-03T12:00:00.000Z');
  assert.equal(next('cron(0 0 1 JAN,JUL ? *)', '2026-02-01T00:00:00Z'), '2026-07-01T00:00:00.000Z');
  assert.equal(next('cron(0 22-2/2 * * ? *)', '2026-01-01T23:00:00Z'), '2026-01-02T00:00:00.000Z');
});

test('L, W, LW and # in the day fields', () => {
  assert.equal(next('cron(0 0 L * ? *)', '2028-02-01T00:00:00Z'), '2028-02-29T00:00:00.000Z'); // leap year
  assert.equal(next('cron(0 0 L-2 * ? *)', '2026-04-01T00:00:00Z'), '2026-04-28T00:00:00.000Z');
  // 2026-02-15 is a Sunday: nearest weekday is Monday the 16th.
  assert.equal(next('cron(0 0 15W * ? *)', '2026-02-01T00:00:00Z'), '2026-02-16T00:00:00.000Z');
  // 2026-08-01 is a Saturday: 1W does not cross into July, so it is Monday the 3rd.
  assert.equal(next('cron(0 0 1W * ? *)', '2026-07-31T00:00:00Z'), '2026-08-03T00:00:00.000Z');
  // 2026-05-31 is a Sunday: LW is Friday the 29th.
  assert.equal(next('cron(0 0 LW * ? *)', '2026-05-01T00:00:00Z'), '2026-05-29T00:00:00.000Z');
  // Second Tuesday of March 2026 is the 10th; last Friday (6L) of March 2026 is the 27th.
  assert.equal(next('cron(0 9 ? * 3#2 *)', '2026-03-01T00:00:00Z'), '2026-03-10T09:00:00.000Z');
  assert.equal(next('cron(0 9 ? * 6L *)', '2026-03-01T00:00:00Z'), '2026-03-27T09:00:00.000Z');
});

test('the year field limits fire times and a past year never fires', () => {
  assert.equal(next('cron(0 0 1 1 ? 2030)', '2026-05-01T00:00:00Z'), '2030-01-01T00:00:00.000Z');
  assert.equal(next('cron(0 0 1 1 ? 2020-2025)', '2026-05-01T00:00:00Z'), undefined);
});

test('rate() ticks on its period from the anchor', () => {
  const expr = parseScheduleExpression('rate(5 minutes)');
  const anchor = at('2026-01-01T00:00:30Z');
  assert.equal(iso(nextFireTime(expr, anchor, anchor)), '2026-01-01T00:05:30.000Z');
  assert.equal(iso(nextFireTime(expr, at('2026-01-01T00:05:30Z'), anchor)), '2026-01-01T00:10:30.000Z');
  assert.equal(parseScheduleExpression('rate(1 hour)').kind, 'rate');
  assert.equal((parseScheduleExpression('rate(2 days)') as { periodMs: number }).periodMs, 2 * 86_400_000);
});

test('invalid expressions are rejected with what was expected', () => {
  for (const bad of [
    'cron(0 0 * * * *)',
    'cron(0 0 ? * ? *)',
    'cron(0 0 * *)',
    'cron(61 0 * * ? *)',
    'rate(1 minutes)',
    'rate(0 minutes)',
    'rate(5 minute)',
    'every 5 minutes',
    'cron(0 0 ? * 9#1 *)',
  ]) {
    assert.throws(() => parseScheduleExpression(bad), ValidationError, bad);
  }
});
