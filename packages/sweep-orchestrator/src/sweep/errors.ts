import { CanonError, messageFor, type CanonErrorOptions, type MessageTable } from '@canon/errors';

export type HollowSweepErrorData = { configPath: string; recipes: { name: string; reason: string | null }[] };

/** The sweep refuses to run with no enrolled recipe: a hollow sweep would look green (exit 3). */
export class HollowSweepError extends CanonError<'HOLLOW', HollowSweepErrorData> {
  static override readonly brand = 'HollowSweepError';
  static override readonly codes = ['HOLLOW'] as const;

  constructor(code: 'HOLLOW', data: HollowSweepErrorData, options?: CanonErrorOptions) {
    super(
      code,
      data,
      options,
      `${data.configPath} enrols no recipe (${data.recipes.length} configured, none enrolled); ` +
        'a sweep over nothing would report success without testing anything. Enrol at least one recipe.',
    );
  }
}

/** What each code carries. */
export type SweepErrorData = {
  UNKNOWN_RECIPE: { configPath: string; unknown: string[]; configured: string[] };
  SWEEP_LOCK_LOST: { runId: string };
};

export type SweepErrorCode = keyof SweepErrorData;

const MESSAGES: MessageTable<SweepErrorData> = {
  UNKNOWN_RECIPE: ({ configPath, unknown, configured }) =>
    `no recipe named ${unknown.map((n) => JSON.stringify(n)).join(', ')} in ${configPath}; configured: ${configured.join(', ') || '(none)'}`,
  SWEEP_LOCK_LOST: ({ runId }, cause) => `the sweep lock was lost mid-run: ${String(cause)}; run ${runId} stopped early`,
};

/** A sweep-level failure that is not one recipe's: unknown --recipe names, a lost lock. */
export class SweepError<C extends SweepErrorCode = SweepErrorCode> extends CanonError<C, SweepErrorData[C]> {
  static override readonly brand = 'SweepError';
  static override readonly codes = Object.keys(MESSAGES) as SweepErrorCode[];

  constructor(code: C, data: SweepErrorData[C], options?: CanonErrorOptions) {
    super(code, data, options, messageFor(MESSAGES, code, data, options));
  }
}
