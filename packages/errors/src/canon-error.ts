/**
 * The brand every canon error carries. `Symbol.for` makes it the same symbol in every realm
 * and in every copy of this package, so `is()` works where `instanceof` does not (a worker,
 * a vm context, two installed versions).
 */
export const CANON_ERROR: unique symbol = Symbol.for('canon.error') as never;

export type CanonErrorOptions = { cause?: unknown };

export type CanonErrorJSON = {
  name: string;
  code: string;
  message: string;
  data: unknown;
  cause?: unknown;
};

/**
 * The base of every error a canon package throws, like isomorphic-git's `BaseError`: a
 * stable `code`, structured `data` and the `cause`. Subclasses take `(code, data, {cause})`
 * and build the message from code and data, so the message never says what data does not.
 */
export abstract class CanonError<Code extends string = string, Data = unknown> extends Error {
  /** The class's name, also the brand's value; set by each subclass. */
  static readonly brand: string = 'CanonError';
  /** Every code the class may carry; the CLI's exit table and the uniqueness test read it. */
  static readonly codes: readonly string[] = [];

  readonly code: Code;
  readonly data: Data;

  constructor(code: Code, data: Data, options: CanonErrorOptions | undefined, message: string) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = (new.target as unknown as typeof CanonError).brand;
    this.code = code;
    this.data = data;
  }

  get [CANON_ERROR](): string {
    return this.name;
  }

  /** True for an error of this class (or, on CanonError itself, any canon error) from any realm. */
  static is<T>(this: (abstract new (...args: never[]) => T) & { brand: string }, value: unknown): value is T {
    const brand = brandOf(value);
    return brand !== null && (this.brand === CanonError.brand || brand === this.brand);
  }

  toJSON(): CanonErrorJSON {
    const json: CanonErrorJSON = { name: this.name, code: this.code, message: this.message, data: this.data };
    if (this.cause !== undefined) json.cause = causeJSON(this.cause);
    return json;
  }
}

/** One message function per code, for classes whose data differs by code. */
export type MessageTable<DataByCode> = { [C in keyof DataByCode]: (data: DataByCode[C], cause: unknown) => string };

/** The message of `code` from its table: typed per code, so no branch needs a cast. */
export function messageFor<DataByCode, C extends keyof DataByCode>(
  table: MessageTable<DataByCode>,
  code: C,
  data: DataByCode[C],
  options: CanonErrorOptions | undefined,
): string {
  return table[code](data, options?.cause);
}

/** The class name a canon error is branded with, or null for anything else. */
export function brandOf(value: unknown): string | null {
  if (typeof value !== 'object' || value === null) return null;
  const brand = (value as { [CANON_ERROR]?: unknown })[CANON_ERROR];
  return typeof brand === 'string' ? brand : null;
}

function causeJSON(cause: unknown): unknown {
  if (brandOf(cause) !== null && typeof (cause as CanonError).toJSON === 'function') return (cause as CanonError).toJSON();
  if (cause instanceof Error) return { name: cause.name, message: cause.message };
  return String(cause);
}
