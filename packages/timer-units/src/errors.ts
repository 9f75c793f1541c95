import { CanonError, messageFor, type CanonErrorOptions, type MessageTable } from '@canon/errors';
import type { UnitProblem } from './problems.js';

/** What each code carries. */
export type TimerUnitsErrorData = {
  INVALID_INPUT: { problems: string[] };
  PROGRAM_NOT_ON_PATH: { problems: UnitProblem[]; searchPath: string[] };
  WRITE_FAILED: { dir: string };
};

export type TimerUnitsErrorCode = keyof TimerUnitsErrorData;

const MESSAGES: MessageTable<TimerUnitsErrorData> = {
  INVALID_INPUT: ({ problems }) => `cannot render the units:\n- ${problems.join('\n- ')}`,
  PROGRAM_NOT_ON_PATH: ({ problems }) =>
    `cannot render a unit whose commands would not run:\n- ${problems.map((p) => p.message).join('\n- ')}`,
  WRITE_FAILED: ({ dir }, cause) =>
    `could not write the units into ${dir}: ${cause instanceof Error ? cause.message : String(cause)}; check that the directory is writable`,
};

/** The one error class of @canon/timer-units: a code, structured data and the cause. */
export class TimerUnitsError<C extends TimerUnitsErrorCode = TimerUnitsErrorCode> extends CanonError<C, TimerUnitsErrorData[C]> {
  static override readonly brand = 'TimerUnitsError';
  static override readonly codes = Object.keys(MESSAGES) as TimerUnitsErrorCode[];

  constructor(code: C, data: TimerUnitsErrorData[C], options?: CanonErrorOptions) {
    super(code, data, options, messageFor(MESSAGES, code, data, options));
  }
}
