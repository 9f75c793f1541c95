import { CanonError, messageFor, type CanonErrorOptions, type MessageTable } from '@canon/errors';

/** What each code carries. */
export type ListenErrorData = {
  STATE_UNREADABLE: { path: string; problem: string };
  LISTEN_FAILED: { address: string; problem: string };
};

export type ListenErrorCode = keyof ListenErrorData;

const MESSAGES: MessageTable<ListenErrorData> = {
  STATE_UNREADABLE: ({ path, problem }) =>
    `expected ${path} to be canon listen's own JSON state, but it could not be read (${problem}); move it away to start with an empty set`,
  LISTEN_FAILED: ({ address, problem }) => `could not listen on ${address} (${problem}); free the port or change webhook.listen`,
};

/** A failure of `canon listen` itself (not of one delivery). */
export class ListenError<C extends ListenErrorCode = ListenErrorCode> extends CanonError<C, ListenErrorData[C]> {
  static override readonly brand = 'ListenError';
  static override readonly codes = Object.keys(MESSAGES) as ListenErrorCode[];

  constructor(code: C, data: ListenErrorData[C], options?: CanonErrorOptions) {
    super(code, data, options, messageFor(MESSAGES, code, data, options));
  }
}
