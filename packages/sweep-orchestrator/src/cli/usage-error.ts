import { CanonError, type CanonErrorOptions } from '@canon/errors';

export type UsageErrorData = { command: string | null; problems: string[] };

/** A command line that cannot be run as given (exit 2). */
export class UsageError extends CanonError<'USAGE', UsageErrorData> {
  static override readonly brand = 'UsageError';
  static override readonly codes = ['USAGE'] as const;

  constructor(code: 'USAGE', data: UsageErrorData, options?: CanonErrorOptions) {
    const { command, problems } = data;
    super(
      code,
      data,
      options,
      `${command === null ? 'canon' : `canon ${command}`}: ${problems.join('; ')} ` +
        `(see \`canon ${command === null ? '' : `${command} `}--help\`)`,
    );
  }
}

/** Shorthand for the many usage errors the commands raise. */
export function usageError(command: string | null, problems: string[], options?: CanonErrorOptions): UsageError {
  return new UsageError('USAGE', { command, problems }, options);
}
