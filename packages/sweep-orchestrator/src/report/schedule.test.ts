import { describe, expect, it } from 'vitest';
import { isSweepMissed, scheduleGraceSeconds, schedulePeriodSeconds } from './schedule.js';

const DAY = 86_400;

describe('schedulePeriodSeconds', () => {
  it.each([
    ['Sun *-*-* 03:00:00', 7 * DAY],
    ['weekly', 7 * DAY],
    ['daily', DAY],
    ['hourly', 3600],
    ['*-*-* 03:00:00', DAY],
    ['*-*-* *:00:00', 3600],
    ['*-*-* 0/6:00:00', 6 * 3600],
    ['*-*-* 3,15:00', 12 * 3600],
    ['Mon,Thu *-*-* 02:00', 4 * DAY],
    ['Mon..Fri 22:30', 3 * DAY],
    ['Mon..Sun 04:00', DAY],
    ['Fri..Mon 04:00', 4 * DAY],
    ['*-*-01 04:00:00', 31 * DAY],
    ['*-01-01 00:00:00', 366 * DAY],
    ['monthly', 31 * DAY],
    ['Sun *-*-* 03:00:00 Europe/Berlin', 7 * DAY],
    ['', 7 * DAY],
    ['something odd', 7 * DAY],
  ])('%j allows %i s between sweeps', (spec, seconds) => {
    expect(schedulePeriodSeconds(spec)).toBe(seconds);
  });

  it.each([
    [7 * DAY, DAY],
    [DAY, 6 * 3600],
    [3600, 3600],
    [60, 3600],
  ])('a period of %i s gets %i s of grace', (period, grace) => {
    expect(scheduleGraceSeconds(period)).toBe(grace);
  });
});

describe('isSweepMissed', () => {
  const finished = '2026-11-22T04:12:40.000Z';
  const at = (offsetSeconds: number): Date => new Date(Date.parse(finished) + offsetSeconds * 1000);

  it('is quiet up to period + grace after the last completed sweep and speaks up after', () => {
    expect(isSweepMissed(finished, 'Sun *-*-* 03:00:00', at(8 * DAY))).toBe(false);
    expect(isSweepMissed(finished, 'Sun *-*-* 03:00:00', at(8 * DAY + 1))).toBe(true);
    expect(isSweepMissed(finished, 'daily', at(DAY + 6 * 3600 + 1))).toBe(true);
    expect(isSweepMissed(finished, 'daily', at(DAY))).toBe(false);
  });

  it('counts a fleet where no sweep ever completed as missed, and reads legacy timestamps', () => {
    expect(isSweepMissed(null, 'weekly', new Date())).toBe(true);
    expect(isSweepMissed('not a time', 'weekly', new Date())).toBe(true);
    expect(isSweepMissed('20261122T041240Z', 'weekly', at(DAY))).toBe(false);
  });
});
