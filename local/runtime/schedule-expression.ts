// EventBridge schedule expressions: `rate(value unit)` and AWS's six-field `cron(...)` with `?`,
// `L`, `W`, `#` and the year field. All times are UTC epoch milliseconds (EventBridge rules run
// in UTC). Pure: the scheduler asks for the next fire time after a given instant.
import { ValidationError } from '../../shared/errors.js';

export type ScheduleExpression = { kind: 'rate'; periodMs: number; text: string } | { kind: 'cron'; cron: CronSpec; text: string };

interface FieldSet {
  /** Allowed values; undefined means any (`*` or `?`). */
  values?: Set<number>;
}

interface DayOfMonthSpec extends FieldSet {
  last?: boolean; // L
  lastWeekday?: boolean; // LW
  nearestWeekday?: number; // 15W
  lastOffset?: number; // L-3
  any: boolean; // `?` or `*`
}

interface DayOfWeekSpec extends FieldSet {
  /** `5L`: last Thursday of the month (1 = SUN … 7 = SAT). */
  lastOf?: number;
  /** `3#2`: the second Tuesday. */
  nth?: { day: number; n: number };
  any: boolean;
}

export interface CronSpec {
  minutes: FieldSet;
  hours: FieldSet;
  dayOfMonth: DayOfMonthSpec;
  months: FieldSet;
  dayOfWeek: DayOfWeekSpec;
  years: FieldSet;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];
const UNIT_MS: Record<string, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };
const MAX_SEARCH_DAYS = 366 * 30;

export function parseScheduleExpression(text: string): ScheduleExpression {
  const trimmed = text.trim();
  const rate = /^rate\((.*)\)$/.exec(trimmed);
  if (rate) return { kind: 'rate', periodMs: parseRate(rate[1]!, text), text };
  const cron = /^cron\((.*)\)$/.exec(trimmed);
  if (cron) return { kind: 'cron', cron: parseCron(cron[1]!, text), text };
  throw new ValidationError(`schedule expression "${text}": expected rate(<n> <unit>) or cron(<6 fields>)`);
}

function parseRate(body: string, text: string): number {
  const match = /^\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*$/.exec(body);
  if (!match) throw new ValidationError(`schedule expression "${text}": expected rate(<positive integer> minute(s)|hour(s)|day(s))`);
  const value = Number(match[1]);
  const unit = match[2]!;
  if (value <= 0) throw new ValidationError(`schedule expression "${text}": the rate value must be positive`);
  const singular = !unit.endsWith('s');
  if (value === 1 && !singular)
    throw new ValidationError(`schedule expression "${text}": a value of 1 takes the singular unit (${unit.slice(0, -1)})`);
  if (value !== 1 && singular) throw new ValidationError(`schedule expression "${text}": a value above 1 takes the plural unit (${unit}s)`);
  return value * UNIT_MS[singular ? unit : unit.slice(0, -1)]!;
}

function parseCron(body: string, text: string): CronSpec {
  const fields = body.trim().split(/\s+/);
  if (fields.length !== 6) {
    throw new ValidationError(
      `schedule expression "${text}": cron needs 6 fields (minutes hours day-of-month month day-of-week year), got ${fields.length}`,
    );
  }
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?')) {
    throw new ValidationError(`schedule expression "${text}": exactly one of day-of-month and day-of-week must be "?"`);
  }
  const err = (field: string, why: string) => new ValidationError(`schedule expression "${text}": ${field} field: ${why}`);
  return {
    minutes: parseList(min, 0, 59, [], 'minutes', err),
    hours: parseList(hour, 0, 23, [], 'hours', err),
    dayOfMonth: parseDayOfMonth(dom, err),
    months: parseList(month, 1, 12, MONTHS, 'month', err, 1),
    dayOfWeek: parseDayOfWeek(dow, err),
    years: parseList(year, 1970, 2199, [], 'year', err),
  };
}

type Err = (field: string, why: string) => ValidationError;

function parseValue(raw: string, min: number, max: number, names: string[], field: string, err: Err, nameBase = 0): number {
  const named = names.indexOf(raw.toUpperCase());
  const value = named >= 0 ? named + nameBase : /^\d+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(value) || value < min || value > max)
    throw err(field, `"${raw}" is not a value in ${min}-${max}${names.length ? ` or ${names[0]}-${names[names.length - 1]}` : ''}`);
  return value;
}

function parseList(raw: string, min: number, max: number, names: string[], field: string, err: Err, nameBase = 0): FieldSet {
  if (raw === '*' || raw === '?') return {};
  const values = new Set<number>();
  for (const part of raw.split(',')) {
    const [range, stepRaw] = part.split('/') as [string, string | undefined];
    const step = stepRaw === undefined ? 1 : Number(stepRaw);
    if (!Number.isInteger(step) || step <= 0) throw err(field, `step "${stepRaw}" must be a positive integer`);
    let lo: number;
    let hi: number;
    if (range === '*') {
      lo = min;
      hi = max;
    } else if (range.includes('-')) {
      const [a, b] = range.split('-') as [string, string];
      lo = parseValue(a, min, max, names, field, err, nameBase);
      hi = parseValue(b, min, max, names, field, err, nameBase);
    } else {
      lo = parseValue(range, min, max, names, field, err, nameBase);
      hi = stepRaw === undefined ? lo : max;
    }
    // Wrapping ranges (e.g. FRI-MON, 22-2) are accepted by AWS.
    const span = max - min + 1;
    const width = (hi - lo + span) % span;
    for (let k = 0; k <= width; k += step) values.add(min + ((lo - min + k) % span));
  }
  return { values };
}

function parseDayOfMonth(raw: string, err: Err): DayOfMonthSpec {
  if (raw === '?' || raw === '*') return { any: true };
  if (raw === 'L') return { any: false, last: true };
  if (raw === 'LW') return { any: false, lastWeekday: true };
  const offset = /^L-(\d+)$/.exec(raw);
  if (offset) return { any: false, lastOffset: Number(offset[1]) };
  const weekday = /^(\d+)W$/.exec(raw);
  if (weekday) return { any: false, nearestWeekday: parseValue(weekday[1]!, 1, 31, [], 'day-of-month', err) };
  return { any: false, ...parseList(raw, 1, 31, [], 'day-of-month', err) };
}

function parseDayOfWeek(raw: string, err: Err): DayOfWeekSpec {
  if (raw === '?' || raw === '*') return { any: true };
  if (raw === 'L') return { any: false, values: new Set([7]) };
  const last = /^(\w+)L$/.exec(raw);
  if (last) return { any: false, lastOf: parseValue(last[1]!, 1, 7, DAYS, 'day-of-week', err, 1) };
  const nth = /^(\w+)#(\d)$/.exec(raw);
  if (nth) {
    const n = Number(nth[2]);
    if (n < 1 || n > 5) throw err('day-of-week', `"#${n}" must be 1-5`);
    return { any: false, nth: { day: parseValue(nth[1]!, 1, 7, DAYS, 'day-of-week', err, 1), n } };
  }
  return { any: false, ...parseList(raw, 1, 7, DAYS, 'day-of-week', err, 1) };
}

const has = (set: FieldSet, v: number) => set.values === undefined || set.values.has(v);

function daysInMonth(year: number, month0: number): number {
  return new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
}

function matchesDayOfMonth(spec: DayOfMonthSpec, year: number, month0: number, day: number): boolean {
  if (spec.any) return true;
  const dim = daysInMonth(year, month0);
  if (spec.last) return day === dim;
  if (spec.lastOffset !== undefined) return day === dim - spec.lastOffset;
  if (spec.lastWeekday) return day === nearestWeekday(year, month0, dim);
  if (spec.nearestWeekday !== undefined) return day === nearestWeekday(year, month0, Math.min(spec.nearestWeekday, dim));
  return has(spec, day);
}

/** The weekday closest to `target` within the same month (Quartz/AWS `W` rule). */
function nearestWeekday(year: number, month0: number, target: number): number {
  const dim = daysInMonth(year, month0);
  const dow = new Date(Date.UTC(year, month0, target)).getUTCDay();
  if (dow === 6) return target === 1 ? 3 : target - 1;
  if (dow === 0) return target === dim ? target - 2 : target + 1;
  return target;
}

function matchesDayOfWeek(spec: DayOfWeekSpec, year: number, month0: number, day: number): boolean {
  if (spec.any) return true;
  const dow1 = new Date(Date.UTC(year, month0, day)).getUTCDay() + 1; // 1 = SUN
  if (spec.lastOf !== undefined) return dow1 === spec.lastOf && day + 7 > daysInMonth(year, month0);
  if (spec.nth) return dow1 === spec.nth.day && Math.ceil(day / 7) === spec.nth.n;
  return has(spec, dow1);
}

function sortedValues(set: FieldSet, min: number, max: number): number[] {
  if (set.values === undefined) return Array.from({ length: max - min + 1 }, (_, i) => min + i);
  return [...set.values].sort((a, b) => a - b);
}

/** First fire time strictly after `afterMs` (cron) or the next tick of the rate anchored at `anchorMs`. */
export function nextFireTime(expr: ScheduleExpression, afterMs: number, anchorMs = afterMs): number | undefined {
  if (expr.kind === 'rate') {
    const elapsed = afterMs - anchorMs;
    const ticks = elapsed < 0 ? 1 : Math.floor(elapsed / expr.periodMs) + 1;
    return anchorMs + ticks * expr.periodMs;
  }
  const c = expr.cron;
  const minutes = sortedValues(c.minutes, 0, 59);
  const hours = sortedValues(c.hours, 0, 23);
  // Fire times are on whole minutes: start from the minute after `afterMs`.
  const start = new Date(Math.floor(afterMs / 60_000) * 60_000 + 60_000);
  if (c.years.values && Math.max(...c.years.values) < start.getUTCFullYear()) return undefined;
  const dayStart = Date.UTC(start.getUTCFullYear(), start.getUTCMonth(), start.getUTCDate());
  for (let d = 0; d < MAX_SEARCH_DAYS; d++) {
    const date = new Date(dayStart + d * 86_400_000);
    const year = date.getUTCFullYear();
    if (year > 2199) return undefined;
    const month0 = date.getUTCMonth();
    const day = date.getUTCDate();
    if (!has(c.years, year) || !has(c.months, month0 + 1)) continue;
    if (!matchesDayOfMonth(c.dayOfMonth, year, month0, day) || !matchesDayOfWeek(c.dayOfWeek, year, month0, day)) continue;
    for (const h of hours) {
      for (const m of minutes) {
        const t = Date.UTC(year, month0, day, h, m);
        if (t >= start.getTime()) return t;
      }
    }
  }
  return undefined;
}
