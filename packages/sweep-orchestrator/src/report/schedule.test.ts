import { describe, expect, it } from 'vitest';
import { isSweepMissed, scheduleGraceSeconds, schedulePeriodSeconds } from './schedule.js';

const DAY = 86_400;

describe('schedulePeriodSeconds', () => {
  it.each([
    ['Sun *-*-* 03:00:00', 7 * DAY],
    ['daily', DAY],
    ['*-*-* 0/6:00:00', 6 * 3600],
  ])('%j allows %i s between sweeps, as timer-units reads it', (spec, seconds) => {
    expect(schedulePeriodSeconds(spec)).toBe(seconds);
  });

  it('has no period for a spec systemd would refuse instead of guessing one', () => {
    expect(schedulePeriodSeconds('something odd')).toBeNull();
    expect(schedulePeriodSeconds('Fri..Mon 04:00')).toBeNull();
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

  it('speaks up when the schedule cannot be read, since nobody can tell when a sweep is due', () => {
    expect(isSweepMissed(finished, 'something odd', at(60))).toBe(true);
  });
});
