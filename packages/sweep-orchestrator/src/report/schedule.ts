// When is a sweep "missed"? We do not reimplement systemd's calendar arithmetic: timer-units
// derives the longest gap the timer allows between two runs (its period) from the spec systemd
// parses; we add a grace for slow sweeps and call the sweep missed when the last completed one
// finished longer ago than that.

import { parseSchedule } from '@canon/timer-units';
import { parseTimestamp } from './internal/format.js';

const HOUR = 3600;
const DAY = 86_400;

/**
 * The longest gap, in seconds, that `onCalendar` allows between two sweeps; null for a spec
 * systemd would refuse (loadConfig refuses it too, so only a hand-built context has one).
 */
export function schedulePeriodSeconds(onCalendar: string): number | null {
  const schedule = parseSchedule(onCalendar);
  return schedule.ok ? schedule.periodSeconds : null;
}

/** Slack for sweeps that run long or start late: a quarter of the period, between 1 h and 1 day. */
export function scheduleGraceSeconds(periodSeconds: number): number {
  return Math.min(DAY, Math.max(HOUR, Math.floor(periodSeconds / 4)));
}

/**
 * True when the last completed sweep finished longer ago than the schedule allows
 * (period + grace), and also when no sweep has completed yet or the schedule cannot be
 * read — a missed sweep is never silent.
 */
export function isSweepMissed(lastFinishedAt: string | null, onCalendar: string, now: Date): boolean {
  const finished = parseTimestamp(lastFinishedAt);
  if (!finished) return true;
  const period = schedulePeriodSeconds(onCalendar);
  if (period === null) return true;
  const elapsed = (now.getTime() - finished.getTime()) / 1000;
  return elapsed > period + scheduleGraceSeconds(period);
}
