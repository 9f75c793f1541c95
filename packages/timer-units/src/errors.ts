export type TimerUnitsErrorCode = 'INVALID_INPUT' | 'PROGRAM_NOT_ON_PATH' | 'WRITE_FAILED';

/** The one error class of @canon/timer-units: a code, structured data and the cause. */
export class TimerUnitsError extends Error {
  readonly code: TimerUnitsErrorCode;
  readonly data: Record<string, unknown>;

  constructor(
    code: TimerUnitsErrorCode,
    message: string,
    data: Record<string, unknown> = {},
    options: { cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TimerUnitsError';
    this.code = code;
    this.data = data;
  }
}
