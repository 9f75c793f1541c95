import { parseOnCalendar } from '../parse-on-calendar.js';
import type { UnitProblem } from '../problems.js';
import type { VerifyExpected } from '../verify-units.js';
import { analyzeCalendar } from './systemd-analyze.js';
import { lastValue, values, type UnitFile } from './unit-syntax.js';

/** The timer's checks: OnCalendar= (canon's parser, then systemd's), Persistent=, the schedule. */
export async function checkTimer(
  timer: UnitFile,
  file: string,
  expected: VerifyExpected,
  analyze: string | null,
  problems: UnitProblem[],
): Promise<void> {
  const specs = values(timer, 'Timer', 'OnCalendar');
  if (specs.length === 0) {
    problems.push({
      code: 'BAD_ON_CALENDAR',
      message: `${file} has no OnCalendar= in [Timer]; add e.g. OnCalendar=Sun *-*-* 03:00:00`,
    });
  }
  for (const spec of specs) {
    const ours = parseOnCalendar(spec);
    if (!ours.ok) {
      problems.push({
        code: 'BAD_ON_CALENDAR',
        message: `${file}: OnCalendar=${spec} does not parse: ${ours.reason}; expected e.g. "Sun *-*-* 03:00:00" or "weekly"`,
      });
      continue;
    }
    if (analyze !== null) {
      const theirs = await analyzeCalendar(analyze, spec);
      if (!theirs.ok)
        problems.push({
          code: 'BAD_ON_CALENDAR',
          message: `${file}: systemd-analyze calendar rejects OnCalendar=${spec}: ${theirs.message}`,
        });
    }
  }
  const persistent = lastValue(timer, 'Timer', 'Persistent');
  if (persistent === undefined) {
    problems.push({
      code: 'MISSING_PERSISTENT',
      message: `${file} has no Persistent= in [Timer]; without Persistent=true a sweep missed while the host was down is silently skipped`,
    });
  } else if (parseBoolean(persistent) === null) {
    problems.push({
      code: 'BAD_PERSISTENT',
      message: `${file}: Persistent=${persistent} is not a boolean; use true or false`,
    });
  }
  const schedule = expected.schedule;
  if (schedule === undefined) return;
  if (specs.length > 0 && !(specs.length === 1 && specs[0] === schedule.onCalendar)) {
    problems.push({
      code: 'SCHEDULE_MISMATCH',
      message: `${file}: OnCalendar=${specs.join(', ')} but the config's schedule says ${schedule.onCalendar}; re-render the units`,
    });
  }
  if (
    persistent !== undefined &&
    parseBoolean(persistent) !== null &&
    parseBoolean(persistent) !== schedule.persistent
  ) {
    problems.push({
      code: 'SCHEDULE_MISMATCH',
      message: `${file}: Persistent=${persistent} but the config's schedule says persistent: ${String(schedule.persistent)}; re-render the units`,
    });
  }
}

function parseBoolean(value: string): boolean | null {
  const v = value.toLowerCase();
  if (['1', 'yes', 'y', 'true', 't', 'on'].includes(v)) return true;
  if (['0', 'no', 'n', 'false', 'f', 'off'].includes(v)) return false;
  return null;
}
