import { describe, expect, it } from 'vitest';
import { parseOnCalendar } from './parse-on-calendar.js';

// Every verdict below was taken from `systemd-analyze calendar` (systemd 252).
const ACCEPTED = [
  'Sun *-*-* 03:00:00',
  'weekly',
  'daily',
  'Daily',
  'hourly',
  'minutely',
  'monthly',
  'yearly',
  'annually',
  'quarterly',
  'semiannually',
  'semi-annually',
  'biannually',
  'daily UTC',
  'Mon..Fri 9:00',
  'mon-fri',
  'Monday-Friday 3:00',
  'Mon-Fri,Sun',
  'Mon,',
  'sun 03:00',
  'SUN 3:0',
  'Sun  03:00',
  'Mon,Wed *-*-1..7 4:0/15',
  '*:0/5',
  '*:0/59',
  '*:*:5..6',
  'Sat,Sun 10:00 Europe/Berlin',
  'Sun *-*-* 03:00:00 Etc/UTC',
  'Sunday 03:00 UTC',
  '03:00 utc',
  '2026-12-01',
  '26-01-01',
  '0-1-1',
  '2199-12-31',
  '*-*~1',
  '*-*~07/1',
  '*-05~1..3',
  '2026-1~1',
  '*-02-29 00:00',
  '*-*',
  '*-*-*',
  '*-1',
  '1-1',
  '1..3:00',
  '1..3/2:00',
  '1,2,3:00',
  '1:2,3,4/5:6',
  '0/1:00',
  '03:00:59.999999',
  'Fri 2026-*-1,5 11:12:13.5',
  '*-*-* *:*:*',
  '@0',
  '@1700000000',
];

const REJECTED = [
  'Sunday at three',
  'Sun 25:00',
  'Sun 24:00',
  '12:60',
  '03:00:60',
  '03:00:59.9999999',
  'Fri..Mon',
  'weekly 03:00',
  ' daily',
  'daily ',
  '',
  '  ',
  '*/2:00',
  '*-*-* 0/60:00',
  '*:*:5..5',
  '1969-01-01',
  '2200-01-01',
  'Mon,,Tue',
  'Mon, Tue',
  'Mon..',
  'Mon..Wed..Fri',
  'Mond 3:00',
  '*-*-* 03',
  '3',
  '12',
  '*-0-1',
  '*-1-0',
  '*-*-32',
  '3..1:00',
  '*:00 Mars/Base',
  'Sun 03:00 UTC UTC',
  '*-*-* 00:00:00/0',
  '*-*-1/0',
  '1..2/0:00',
  '01:02:03:04',
  '+3:00',
  '00:00:00.5..1',
  'now',
  'today',
  '@x',
  'Sun *-*-* 03:00:00\nExecStart=/bin/sh',
];

describe('parseOnCalendar', () => {
  it.each(ACCEPTED)('accepts %j like systemd', (spec) => {
    expect(parseOnCalendar(spec)).toEqual({ ok: true });
  });

  it.each(REJECTED)('rejects %j like systemd', (spec) => {
    const result = parseOnCalendar(spec);
    expect(result.ok).toBe(false);
  });

  it('says which part is wrong', () => {
    expect(parseOnCalendar('Sun 25:00')).toEqual({ ok: false, reason: 'hour 25 is outside 0..23' });
    expect(parseOnCalendar('Sunday at three')).toMatchObject({
      ok: false,
      reason: expect.stringContaining('at "at three"'),
    });
  });
});
