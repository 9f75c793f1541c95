/** The sweep refuses to run with no enrolled recipe: a hollow sweep would look green (exit 3). */
export class HollowSweepError extends Error {
  readonly code = 'HOLLOW' as const;
  readonly data: { configPath: string; recipes: { name: string; reason: string | null }[] };

  constructor(data: HollowSweepError['data']) {
    super(
      `${data.configPath} enrols no recipe (${data.recipes.length} configured, none enrolled); ` +
        'a sweep over nothing would report success without testing anything. Enrol at least one recipe.',
    );
    this.name = 'HollowSweepError';
    this.data = data;
  }
}

/** A sweep-level failure that is not one recipe's: unknown --recipe names, a lost lock. */
export class SweepError extends Error {
  readonly code: 'UNKNOWN_RECIPE' | 'LOCK_COMPROMISED';
  readonly data: Record<string, unknown>;

  constructor(code: SweepError['code'], message: string, data: Record<string, unknown>, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SweepError';
    this.code = code;
    this.data = data;
  }
}
