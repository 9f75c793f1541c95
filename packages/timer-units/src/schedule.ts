import type { Component, ParsedSpec } from './parse-on-calendar.js';
import { parseCalendarSpec } from './parse-on-calendar.js';

// The period of a schedule is the longest gap its timer allows between two runs, read from
// the spec systemd would parse: the coarsest field that is not "any value" decides it.
// The year is not looked at, and a spec that limits both the day of the month and the
// weekday counts the longer of the two gaps; both are rare for a sweep schedule.

export type ScheduleResult =
  { ok: true; spec: string; periodSeconds: number } | { ok: false; spec: string; reason: string };

const MINUTE = 60;
const HOUR = 3600;
const DAY = 86_400;
const USEC_PER_SEC = 1_000_000;

const SHORTHAND_PERIODS: Record<string, number> = {
  minutely: MINUTE,
  hourly: HOUR,
  daily: DAY,
  weekly: 7 * DAY,
  monthly: 31 * DAY,
  quarterly: 92 * DAY,
  semiannually: 184 * DAY,
  'semi-annually': 184 * DAY,
  biannually: 184 * DAY,
  'bi-annually': 184 * DAY,
  yearly: 366 * DAY,
  annually: 366 * DAY,
  anually: 366 * DAY,
};

/**
 * Parses an OnCalendar= value as systemd does and derives its period in seconds.
 * `@epoch` specs fire once and have no period, so they are refused as a schedule.
 */
export function parseSchedule(spec: string): ScheduleResult {
  const result = parseCalendarSpec(spec);
  if (!result.ok) return { ok: false, spec, reason: result.reason };
  if (result.parsed.epoch) {
    return { ok: false, spec, reason: 'fires once ("@…"); a schedule must repeat, e.g. "weekly"' };
  }
  return { ok: true, spec, periodSeconds: periodOf(result.parsed) };
}

function periodOf(parsed: ParsedSpec): number {
  if (parsed.shorthand !== null) return SHORTHAND_PERIODS[parsed.shorthand] ?? DAY;
  const { fields } = parsed;
  const months = gap(values(fields.month, 1, 12), 12);
  if (months !== null) return months === 12 ? 366 * DAY : months * 31 * DAY;
  const days = gap(values(fields.day, 1, 31), 31);
  const weekdays = gap(parsed.weekdays, 7);
  if (days !== null || weekdays !== null) return Math.max(days ?? 0, weekdays ?? 0) * DAY;
  const hours = gap(values(fields.hour, 0, 23), 24);
  if (hours !== null) return hours * HOUR;
  const minutes = gap(values(fields.minute, 0, 59), 60);
  if (minutes !== null) return minutes * MINUTE;
  const seconds = values(fields.second, 0, 60 * USEC_PER_SEC - 1);
  return gap(seconds && [...new Set(seconds.map((us) => Math.floor(us / USEC_PER_SEC)))], 60) ?? 1;
}

/** Every value a chain of components hits within `from..to`; null for `*`. */
function values(chain: Component[] | undefined, from: number, to: number): number[] | null {
  if (chain === undefined) return null;
  const out: number[] = [];
  for (const { start, stop, repeat } of chain) {
    const end = stop >= 0 ? stop : repeat > 0 ? to : start;
    for (let v = start; v <= end && v >= from; v += repeat > 0 ? repeat : 1) {
      out.push(v);
      if (repeat === 0 && stop < 0) break;
    }
  }
  return out;
}

/** Longest gap between neighbouring values on a circle of `size`; null when every value is hit. */
function gap(list: number[] | null, size: number): number | null {
  if (list === null) return null;
  const sorted = [...new Set(list)].sort((a, b) => a - b);
  if (sorted.length >= size) return null;
  let longest = 0;
  sorted.forEach((value, i) => {
    const next = sorted[i + 1] ?? (sorted[0] ?? value) + size;
    longest = Math.max(longest, next - value);
  });
  return longest;
}
