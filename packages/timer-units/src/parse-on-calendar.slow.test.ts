import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeCalendar } from './internal/systemd-analyze.js';
import { parseOnCalendar } from './parse-on-calendar.js';
import { resolveOnPath, splitPath } from './resolve-on-path.js';
import { unless } from './testing/skip-reason.js';

const systemdAnalyze = resolveOnPath('systemd-analyze', splitPath(process.env.PATH));

// Specs assembled from the grammar's own pieces, valid and not: numbers around every
// range edge, each separator, weekday names and shorthands, so both verdicts are common.
const number = fc.oneof(
  fc.integer({ min: 0, max: 62 }),
  fc.constantFrom(69, 70, 99, 100, 1969, 1970, 2199, 2200),
);
const component = fc
  .tuple(
    number,
    fc.option(number, { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 61 }), { nil: undefined }),
  )
  .map(
    ([start, stop, repeat]) =>
      `${start}${stop === undefined ? '' : `..${stop}`}${repeat === undefined ? '' : `/${repeat}`}`,
  );
const chain = fc.oneof(
  fc.constant('*'),
  fc.array(component, { minLength: 1, maxLength: 3 }).map((parts) => parts.join(',')),
);
const weekday = fc.constantFrom(
  'Mon',
  'Tue',
  'Wed',
  'thu',
  'Friday',
  'Sat',
  'Sun',
  'Sunday',
  'Mond',
);
const weekdays = fc
  .array(fc.tuple(weekday, fc.constantFrom(',', '..', '-')), { minLength: 1, maxLength: 3 })
  .map((parts) => parts.map(([d, sep], i) => (i === parts.length - 1 ? d : d + sep)).join(''));
const date = fc
  .tuple(
    chain,
    fc.constantFrom('-', '~'),
    chain,
    fc.option(fc.tuple(fc.constantFrom('-', '~'), chain), { nil: undefined }),
  )
  .map(([a, s1, b, rest]) =>
    rest === undefined ? `${a}${s1}${b}` : `${a}${s1}${b}${rest[0]}${rest[1]}`,
  );
const seconds = fc.oneof(
  chain,
  fc
    .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 9_999_999 }))
    .map(([s, f]) => `${s}.${f}`),
);
const time = fc
  .tuple(chain, chain, fc.option(seconds, { nil: undefined }))
  .map(([h, m, s]) => (s === undefined ? `${h}:${m}` : `${h}:${m}:${s}`));
const spec = fc.oneof(
  fc
    .tuple(
      fc.option(weekdays, { nil: undefined }),
      fc.option(date, { nil: undefined }),
      fc.option(time, { nil: undefined }),
      fc.constantFrom('', '', ' UTC', ' Europe/Berlin', ' Mars/Base'),
    )
    .map(([w, d, t, tz]) => [w, d, t].filter((p) => p !== undefined).join(' ') + tz),
  fc.constantFrom(
    'weekly',
    'daily',
    'semiannually',
    'fortnightly',
    'weekly 03:00',
    'Sunday at three',
  ),
);

describe('parseOnCalendar against systemd-analyze calendar', () => {
  it.skipIf(systemdAnalyze === null)(
    `agrees with systemd on generated specs${unless(systemdAnalyze, 'no systemd-analyze on PATH')}`,
    async () => {
      const binary = systemdAnalyze ?? '';
      let accepted = 0;
      await fc.assert(
        fc.asyncProperty(spec, async (candidate) => {
          const theirs = await analyzeCalendar(binary, candidate);
          if (theirs.ok) accepted++;
          expect({ spec: candidate, ok: parseOnCalendar(candidate).ok }).toEqual({
            spec: candidate,
            ok: theirs.ok,
          });
        }),
        { numRuns: 200, seed: 20261127 },
      );
      // The generator must exercise both verdicts, or the agreement means little.
      expect(accepted).toBeGreaterThan(20);
    },
    90_000,
  );
});
