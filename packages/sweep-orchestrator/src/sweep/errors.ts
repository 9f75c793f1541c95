import { CanonError, type CanonErrorOptions } from '@canon/errors';

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

export const SWEEP_ERROR_CODES = ['UNKNOWN_RECIPE', 'SWEEP_LOCK_LOST'] as const;

export type SweepErrorCode = (typeof SWEEP_ERROR_CODES)[number];

/** What each code carries. */
export type SweepErrorData = {
  UNKNOWN_RECIPE: { configPath: string; unknown: string[]; configured: string[] };
  SWEEP_LOCK_LOST: { runId: string };
};

/** A sweep-level failure that is not one recipe's: unknown --recipe names, a lost lock. */
export class SweepError<C extends SweepErrorCode = SweepErrorCode> extends CanonError<C, SweepErrorData[C]> {
  static override readonly brand = 'SweepError';
  static override readonly codes = SWEEP_ERROR_CODES;

  constructor(code: C, data: SweepErrorData[C], options?: CanonErrorOptions) {
    super(code, data, options, describe(code, data, options?.cause));
  }
}

function describe<C extends SweepErrorCode>(code: C, data: SweepErrorData[C], cause: unknown): string {
  if (code === 'UNKNOWN_RECIPE') {
    const d = data as SweepErrorData['UNKNOWN_RECIPE'];
    return `no recipe named ${d.unknown.map((n) => JSON.stringify(n)).join(', ')} in ${d.configPath}; configured: ${d.configured.join(', ') || '(none)'}`;
  }
  const { runId } = data as SweepErrorData['SWEEP_LOCK_LOST'];
  return `the sweep lock was lost mid-run: ${String(cause)}; run ${runId} stopped early`;
}
