import { hasControlCharacter } from './internal/unit-syntax.js';

// A port of the grammar of systemd's calendarspec.c (v252), so that a spec is judged
// the way systemd will judge it, offline and without systemd. Names follow the C code
// (weekdays → date → time, chains of components, ranges checked at the end) so the two
// can be compared line by line when systemd changes.

export type OnCalendarResult = { ok: true } | { ok: false; reason: string };

const SHORTHANDS = new Set([
  'minutely',
  'hourly',
  'daily',
  'monthly',
  'weekly',
  'yearly',
  'annually',
  'anually',
  'quarterly',
  'semiannually',
  'semi-annually',
  'biannually',
  'bi-annually',
]);

// Longer names first: "Sunday" must win over "Sun".
const WEEKDAYS: readonly (readonly [string, number])[] = [
  ['monday', 0],
  ['mon', 0],
  ['tuesday', 1],
  ['tue', 1],
  ['wednesday', 2],
  ['wed', 2],
  ['thursday', 3],
  ['thu', 3],
  ['friday', 4],
  ['fri', 4],
  ['saturday', 5],
  ['sat', 5],
  ['sunday', 6],
  ['sun', 6],
];

const USEC_PER_SEC = 1_000_000;
const INT_MAX = 2_147_483_647;

export type Component = { start: number; stop: number; repeat: number };
export type Field = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';
/**
 * `undefined` for a field means `*`; an omitted time is 00:00:00 and omitted seconds are 0,
 * as in systemd. `endOfMonth` counts the day back from the month's end (`~`); `weekdays` is
 * null for any day (0 = Monday); `shorthand` is set for `daily`, `weekly`, …; `epoch` for `@…`.
 */
export type ParsedSpec = {
  fields: Partial<Record<Field, Component[]>>;
  endOfMonth: boolean;
  weekdays: number[] | null;
  shorthand: string | null;
  epoch: boolean;
};
type Parsed = ParsedSpec;

class SpecError extends Error {}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  ch(): string {
    return this.text[this.pos] ?? '';
  }
  at(offset: number): string {
    return this.text[this.pos + offset] ?? '';
  }
  skipSpaces(): void {
    while (this.ch() === ' ') this.pos++;
  }
  fail(what: string): never {
    const near = this.pos < this.text.length ? `at "${this.text.slice(this.pos)}"` : 'at the end';
    throw new SpecError(`${what} ${near}`);
  }
}

/**
 * Judges an OnCalendar= value the way systemd 252 does: weekday lists and ranges,
 * `[Y-]M-D` dates with `~` (from the end of the month), `H:M[:S[.frac]]` times, comma
 * lists, `..` ranges, `/` repetitions, shorthands (`daily`, `weekly`, …), `@epoch`, and a
 * trailing `UTC` or time zone name. Returns why a spec is rejected.
 */
export function parseOnCalendar(spec: string): OnCalendarResult {
  const parsed = parseCalendarSpec(spec);
  return parsed.ok ? { ok: true } : parsed;
}

/** Like `parseOnCalendar`, with the parsed spec for callers that compute with it. */
export function parseCalendarSpec(
  spec: string,
): { ok: true; parsed: ParsedSpec } | { ok: false; reason: string } {
  if (typeof spec !== 'string') return { ok: false, reason: 'expected a string' };
  // Control characters can never be part of a spec and would corrupt the unit file.
  if (hasControlCharacter(spec)) {
    return { ok: false, reason: 'contains a control character (newline, tab, …)' };
  }
  try {
    const parsed = parseSpec(stripTimeZone(spec));
    checkRanges(parsed);
    return { ok: true, parsed };
  } catch (error) {
    if (error instanceof SpecError) return { ok: false, reason: error.message };
    throw error;
  }
}

function stripTimeZone(spec: string): string {
  if (spec.toLowerCase().endsWith(' utc')) return spec.slice(0, -4);
  const lastSpace = spec.lastIndexOf(' ');
  if (lastSpace >= 0 && isTimeZone(spec.slice(lastSpace + 1))) return spec.slice(0, lastSpace);
  return spec;
}

function isTimeZone(name: string): boolean {
  if (!/^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function parseSpec(text: string): Parsed {
  const parsed: Parsed = {
    fields: {},
    endOfMonth: false,
    weekdays: null,
    shorthand: null,
    epoch: false,
  };
  if (text === '') throw new SpecError('is empty; expected e.g. "Sun *-*-* 03:00:00" or "weekly"');
  if (SHORTHANDS.has(text.toLowerCase())) return { ...parsed, shorthand: text.toLowerCase() };
  const c = new Cursor(text);
  parsed.weekdays = parseWeekdays(c);
  parsed.epoch = parseDate(c, parsed);
  if (!parsed.epoch) parseTime(c, parsed.fields);
  if (c.pos !== text.length) c.fail('unexpected text');
  return parsed;
}

/** The weekdays named (0 = Monday), or null when the spec names none. */
function parseWeekdays(c: Cursor): number[] | null {
  const days: number[] = [];
  let rangeStart = -1;
  let first = true;
  for (;;) {
    const rest = c.text.slice(c.pos).toLowerCase();
    const day = WEEKDAYS.find(([name]) => rest.startsWith(name));
    if (day === undefined) {
      if (first) return null;
      c.fail('expected a weekday');
    }
    const [name, nr] = day;
    if (!['', '-', '.', ',', ' '].includes(c.at(name.length)))
      c.fail('a weekday must end with ",", "..", "-" or a space');
    if (rangeStart > nr) c.fail('weekday range runs backwards');
    for (let d = rangeStart >= 0 ? rangeStart : nr; d <= nr; d++) days.push(d);
    c.pos += name.length;
    if (c.ch() === '') return days;
    if (c.ch() === ' ') {
      c.skipSpaces();
      return days;
    }
    if (c.ch() === '.') {
      if (rangeStart >= 0 || c.at(1) !== '.') c.fail('bad weekday range');
      rangeStart = nr;
      c.pos += 2;
    } else if (c.ch() === '-') {
      if (rangeStart >= 0) c.fail('bad weekday range');
      rangeStart = nr;
      c.pos += 1;
    } else if (c.ch() === ',') {
      rangeStart = -1;
      c.pos += 1;
    }
    if (c.ch() === '' || c.ch() === ' ') {
      if (rangeStart >= 0) c.fail('weekday range has no end');
      c.skipSpaces();
      return days;
    }
    first = false;
  }
}

/** Returns true when the spec was an `@epoch` timestamp (which has no time part). */
function parseDate(c: Cursor, parsed: Parsed): boolean {
  if (c.ch() === '') return false;
  if (c.ch() === '@') {
    if (!/^@\d+$/.test(c.text.slice(c.pos)))
      c.fail('expected @ followed by seconds since the epoch');
    c.pos = c.text.length;
    return true;
  }
  const start = c.pos;
  const first = parseChain(c, false);
  if (c.ch() === '' || c.ch() === ':') {
    c.pos = start; // it was an hour, not a date
    return false;
  }
  if (c.ch() === '~') parsed.endOfMonth = true;
  else if (c.ch() !== '-') c.fail('expected "-" or "~" between date parts');
  c.pos++;
  const second = parseChain(c, false);
  if (c.ch() === '' || c.ch() === ' ') {
    c.skipSpaces();
    assign(parsed, { month: first, day: second });
    return false;
  }
  if (parsed.endOfMonth) c.fail('"~" may only precede the day');
  if (c.ch() === '~') parsed.endOfMonth = true;
  else if (c.ch() !== '-') c.fail('expected "-" or "~" between date parts');
  c.pos++;
  const third = parseChain(c, false);
  if (c.ch() !== '' && c.ch() !== ' ') c.fail('expected a space after the date');
  c.skipSpaces();
  assign(parsed, { year: first?.map(fixYear), month: second, day: third });
  return false;
}

function assign(
  parsed: Parsed,
  parts: Partial<Record<'year' | 'month' | 'day', Component[] | undefined>>,
): void {
  for (const [key, value] of Object.entries(parts)) {
    if (value !== undefined) parsed.fields[key as Field] = value;
  }
}

function fixYear(y: Component): Component {
  const fix = (v: number): number =>
    v >= 0 && v < 70 ? v + 2000 : v >= 70 && v < 100 ? v + 1900 : v;
  return { start: fix(y.start), stop: y.stop >= 0 ? fix(y.stop) : y.stop, repeat: y.repeat };
}

const ZERO: readonly Component[] = [{ start: 0, stop: -1, repeat: 0 }];

function parseTime(c: Cursor, fields: Partial<Record<Field, Component[]>>): void {
  if (c.ch() === '') {
    Object.assign(fields, { hour: [...ZERO], minute: [...ZERO], second: [...ZERO] });
    return;
  }
  const hour = parseChain(c, false);
  if (c.ch() !== ':') c.fail('expected ":" after the hour');
  c.pos++;
  const minute = parseChain(c, false);
  if (hour !== undefined) fields.hour = hour;
  if (minute !== undefined) fields.minute = minute;
  if (c.ch() === '') {
    fields.second = [...ZERO];
    return;
  }
  if (c.ch() !== ':') c.fail('expected ":" after the minute');
  c.pos++;
  const second = parseChain(c, true);
  if (second !== undefined) fields.second = second;
  if (c.ch() !== '') c.fail('expected the end after the seconds');
}

/** `*` (undefined: any value) or a comma list of components. */
function parseChain(c: Cursor, usec: boolean): Component[] | undefined {
  if (c.ch() === '*') {
    c.pos++;
    return usec ? [{ start: 0, stop: -1, repeat: USEC_PER_SEC }] : undefined;
  }
  const chain = [parseComponent(c, usec)];
  while (c.ch() === ',') {
    c.pos++;
    chain.push(parseComponent(c, usec));
  }
  return chain;
}

function parseComponent(c: Cursor, usec: boolean): Component {
  const start = parseDecimal(c, usec);
  let stop = -1;
  let repeat = 0;
  if (c.ch() === '.' && c.at(1) === '.') {
    c.pos += 2;
    stop = parseDecimal(c, usec);
    repeat = usec ? USEC_PER_SEC : 1;
  }
  if (c.ch() === '/') {
    c.pos++;
    repeat = parseDecimal(c, usec);
    if (repeat === 0) c.fail('a repetition of 0 never advances');
  } else if (usec && stop >= 0 && start + repeat > stop) {
    c.fail('a range of seconds must span at least one second');
  }
  if (!['', ' ', ',', '-', '~', ':'].includes(c.ch())) c.fail('unexpected character');
  return { start, stop, repeat };
}

function parseDecimal(c: Cursor, usec: boolean): number {
  const digits = /^\d+/.exec(c.text.slice(c.pos))?.[0];
  if (digits === undefined) c.fail('expected a number or "*"');
  c.pos += digits.length;
  let value = Number(digits);
  if (usec) {
    value *= USEC_PER_SEC;
    if (c.ch() === '.' && c.at(1) !== '.') {
      c.pos++;
      const fraction = /^\d+/.exec(c.text.slice(c.pos))?.[0];
      if (fraction === undefined) c.fail('expected digits after the decimal point');
      // Like systemd: six digits of microseconds, rounded by the seventh.
      let micros = Number(fraction.slice(0, 6).padEnd(6, '0'));
      const seventh = fraction[6];
      if (seventh !== undefined && seventh >= '5') micros++;
      value += micros;
      c.pos += fraction.length;
    }
  }
  if (value > INT_MAX) c.fail('number too large');
  return value;
}

const RANGES: Record<Field, readonly [number, number, string]> = {
  year: [1970, 2199, 'year'],
  month: [1, 12, 'month'],
  day: [1, 31, 'day'],
  hour: [0, 23, 'hour'],
  minute: [0, 59, 'minute'],
  second: [0, 60 * USEC_PER_SEC - 1, 'second'],
};

function checkRanges({ fields, endOfMonth }: Parsed): void {
  for (const field of Object.keys(RANGES) as Field[]) {
    const [from, fullTo, label] = RANGES[field];
    // systemd forbids days further than 28 back from the end of the month.
    const to = field === 'day' && endOfMonth ? fullTo - 3 : fullTo;
    const show = (v: number): string => (field === 'second' ? String(v / USEC_PER_SEC) : String(v));
    for (const parsed of fields[field] ?? []) {
      // systemd trims a repeated range to the last value it hits (1..13/7 is 1..8/7) before
      // checking bounds, after two-digit years became four-digit ones.
      const part =
        parsed.stop >= parsed.start && parsed.repeat > 0
          ? {
              ...parsed,
              stop:
                parsed.start +
                Math.floor((parsed.stop - parsed.start) / parsed.repeat) * parsed.repeat,
            }
          : parsed;
      const bounds = `${show(from)}..${show(to)}`;
      if (part.start < from || part.start > to)
        throw new SpecError(`${label} ${show(part.start)} is outside ${bounds}`);
      // An open repetition must fire at least twice within the field (measured, systemd 252).
      if (part.stop < 0 && part.repeat > 0 && part.start + part.repeat > to) {
        throw new SpecError(
          `${label} repetition ${show(part.start)}/${show(part.repeat)} never repeats within ${bounds}`,
        );
      }
      if (part.stop >= 0) {
        if (part.stop < from || part.stop > to)
          throw new SpecError(`${label} ${show(part.stop)} is outside ${bounds}`);
        if (part.start > part.stop)
          throw new SpecError(
            `${label} range ${show(part.start)}..${show(part.stop)} runs backwards`,
          );
      }
    }
  }
}
