export type ListenErrorCode = 'STATE_UNREADABLE' | 'LISTEN_FAILED';

/** A failure of `canon listen` itself (not of one delivery): `(code, data, {cause})` like every canon error. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  readonly code: ListenErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ListenErrorCode, data: Record<string, unknown>, options?: { cause?: unknown; message?: string }) {
    super(options?.message ?? messageOf(code, data), options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.data = data;
  }
}

function messageOf(code: ListenErrorCode, data: Record<string, unknown>): string {
  switch (code) {
    case 'STATE_UNREADABLE':
      return `expected ${String(data.path)} to be canon listen's own JSON state, but it could not be read (${String(data.problem)}); move it away to start with an empty set`;
    case 'LISTEN_FAILED':
      return `could not listen on ${String(data.address)} (${String(data.problem)}); free the port or change webhook.listen`;
  }
}
