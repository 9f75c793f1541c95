// When is a sweep "missed"? We do not reimplement systemd's calendar arithmetic: from the
// OnCalendar spec we derive the longest gap the timer allows between two runs (its
// period), add a grace for slow sweeps, and call the sweep missed when the last completed
// one finished longer ago than that. Specs we cannot read count as weekly, canon's default.

import { parseTimestamp } from './internal/format.js';

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
const WEEK = 7 * DAY;

const SHORTHANDS: Record<string, number> = {
  minutely: MINUTE, hourly: HOUR, daily: DAY, weekly: WEEK, monthly: 31 * DAY,
  quarterly: 92 * DAY, semiannually: 184 * DAY, 'semi-annually': 184 * DAY, yearly: 366 * DAY, annually: 366 * DAY,
};

const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

/** Longest gap between neighbouring values on a circle of `size` (e.g. weekdays, hours). */
function longestCircularGap(values: number[], size: number): number {
  const sorted = [...new Set(values)].sort((a, b) => a - b);
  if (sorted.length <= 1) return size;
  let gap = 0;
  sorted.forEach((value, i) => {
    const next = i + 1 < sorted.length ? (sorted[i + 1] ?? value) : (sorted[0] ?? value) + size;
    gap = Math.max(gap, next - value);
  });
  return gap;
}

function weekdayIndex(name: string): number | null {
  const index = WEEKDAYS.indexOf(name.slice(0, 3) as (typeof WEEKDAYS)[number]);
  return index === -1 ? null : index;
}

/** `Sun`, `Mon,Thu`, `Mon..Fri` → day indexes; null when the token is not a weekday list. */
function parseWeekdays(token: string): number[] | null {
  const days: number[] = [];
  for (const part of token.split(',')) {
    const [from, to] = part.split('..');
    const a = weekdayIndex(from ?? '');
    if (a === null) return null;
    if (to === undefined) {
      days.push(a);
      continue;
    }
    const b = weekdayIndex(to);
    if (b === null) return null;
    for (let d = a; ; d = (d + 1) % 7) {
      days.push(d);
      if (d === b) break;
    }
  }
  return days;
}

/** Period of the hour field of a time like `03:00`, `*:00`, `0/6:00`, `3,15:00`; null = once a day. */
function hourPeriod(time: string): number | null {
  const [hour = '', minute = ''] = time.split(':');
  if (hour === '*') return minute === '*' ? MINUTE : HOUR;
  const step = /^\d+\/(\d+)$/.exec(hour);
  if (step) return Number(step[1]) * HOUR;
  if (hour.includes(',')) return longestCircularGap(hour.split(',').map(Number), 24) * HOUR;
  return null;
}

/** The longest gap, in seconds, that `onCalendar` allows between two sweeps. */
export function schedulePeriodSeconds(onCalendar: string): number {
  const spec = onCalendar.trim().toLowerCase();
  const shorthand = SHORTHANDS[spec];
  if (shorthand !== undefined) return shorthand;
  let weekdays: number[] | null = null;
  let date: string | null = null;
  let time: string | null = null;
  for (const token of spec.split(/\s+/)) {
    if (/^[a-z]/.test(token) && weekdays === null && date === null) weekdays = parseWeekdays(token);
    else if (token.includes('-') && date === null) date = token;
    else if (token.includes(':') && time === null) time = token;
  }
  if (weekdays === null && date === null && time === null) return WEEK;
  const [, month = '*', day = '*'] = (date ?? '*-*-*').split('-');
  if (month !== '*' && day !== '*') return 366 * DAY;
  if (day !== '*') return 31 * DAY;
  if (weekdays !== null && weekdays.length > 0) return longestCircularGap(weekdays, 7) * DAY;
  return (time ? hourPeriod(time) : null) ?? DAY;
}

/** Slack for sweeps that run long or start late: a quarter of the period, between 1 h and 1 day. */
export function scheduleGraceSeconds(periodSeconds: number): number {
  return Math.min(DAY, Math.max(HOUR, Math.floor(periodSeconds / 4)));
}

/**
 * True when the last completed sweep finished longer ago than the schedule allows
 * (period + grace), and also when no sweep has completed yet — a missed sweep is never silent.
 */
export function isSweepMissed(lastFinishedAt: string | null, onCalendar: string, now: Date): boolean {
  const finished = parseTimestamp(lastFinishedAt);
  if (!finished) return true;
  const period = schedulePeriodSeconds(onCalendar);
  const elapsed = (now.getTime() - finished.getTime()) / 1000;
  return elapsed > period + scheduleGraceSeconds(period);
}
