import { CanonError, type CanonErrorOptions } from '@canon/errors';
import type { UnitProblem } from './problems.js';

export const TIMER_UNITS_ERROR_CODES = ['INVALID_INPUT', 'PROGRAM_NOT_ON_PATH', 'WRITE_FAILED'] as const;

export type TimerUnitsErrorCode = (typeof TIMER_UNITS_ERROR_CODES)[number];

/** What each code carries. */
export type TimerUnitsErrorData = {
  INVALID_INPUT: { problems: string[] };
  PROGRAM_NOT_ON_PATH: { problems: UnitProblem[]; searchPath: string[] };
  WRITE_FAILED: { dir: string };
};

/** The one error class of @canon/timer-units: a code, structured data and the cause. */
export class TimerUnitsError<C extends TimerUnitsErrorCode = TimerUnitsErrorCode> extends CanonError<C, TimerUnitsErrorData[C]> {
  static override readonly brand = 'TimerUnitsError';
  static override readonly codes = TIMER_UNITS_ERROR_CODES;

  constructor(code: C, data: TimerUnitsErrorData[C], options?: CanonErrorOptions) {
    super(code, data, options, describe(code, data, options?.cause));
  }
}

function describe<C extends TimerUnitsErrorCode>(code: C, data: TimerUnitsErrorData[C], cause: unknown): string {
  if (code === 'INVALID_INPUT') {
    return `cannot render the units:\n- ${(data as TimerUnitsErrorData['INVALID_INPUT']).problems.join('\n- ')}`;
  }
  if (code === 'PROGRAM_NOT_ON_PATH') {
    const { problems } = data as TimerUnitsErrorData['PROGRAM_NOT_ON_PATH'];
    return `cannot render a unit whose commands would not run:\n- ${problems.map((p) => p.message).join('\n- ')}`;
  }
  const why = cause instanceof Error ? cause.message : String(cause);
  return `could not write the units into ${(data as TimerUnitsErrorData['WRITE_FAILED']).dir}: ${why}; check that the directory is writable`;
}
