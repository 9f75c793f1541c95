import { describe, expect, it } from 'vitest';
import { parseSchedule } from './schedule.js';

const DAY = 86_400;

describe('parseSchedule', () => {
  it.each([
    ['Sun *-*-* 03:00:00', 7 * DAY],
    ['weekly', 7 * DAY],
    ['daily', DAY],
    ['hourly', 3600],
    ['minutely', 60],
    ['*-*-* 03:00:00', DAY],
    ['*-*-* *:00:00', 3600],
    ['*-*-* 0/6:00:00', 6 * 3600],
    ['*-*-* 3,15:00', 12 * 3600],
    ['*:0/15', 15 * 60],
    ['*:*:*', 1],
    ['Mon,Thu *-*-* 02:00', 4 * DAY],
    ['Mon..Fri 22:30', 3 * DAY],
    ['Mon..Sun 04:00', DAY],
    ['Sat,Sun', 6 * DAY],
    ['*-*-01 04:00:00', 31 * DAY],
    ['*-*-1,15 04:00', 17 * DAY],
    ['*-01-01 00:00:00', 366 * DAY],
    ['*-01,04,07,10-01 00:00', 93 * DAY],
    ['monthly', 31 * DAY],
    ['quarterly', 92 * DAY],
    ['Sun *-*-* 03:00:00 Europe/Berlin', 7 * DAY],
    ['Sun *-*-* 03:00:00 UTC', 7 * DAY],
  ])('%j allows %i s between runs', (spec, seconds) => {
    expect(parseSchedule(spec)).toEqual({ ok: true, spec, periodSeconds: seconds });
  });

  it.each([
    ['', 'is empty'],
    ['something odd', 'expected a number or "*"'],
    ['Fri..Mon 04:00', 'weekday range runs backwards'],
    ['*-*-* 25:00', 'hour 25 is outside 0..23'],
    ['@1700000000', 'fires once'],
    ['weekly\n', 'control character'],
  ])('refuses %j: %s', (spec, reason) => {
    const result = parseSchedule(spec);
    expect(result).toMatchObject({ ok: false, spec });
    expect(result.ok ? '' : result.reason).toContain(reason);
  });
});
