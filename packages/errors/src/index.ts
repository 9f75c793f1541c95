// The one error shape of canon: every package's error classes extend CanonError.

export type { CanonErrorJSON, CanonErrorOptions, MessageTable } from './canon-error.js';
export { brandOf, CANON_ERROR, CanonError, messageFor } from './canon-error.js';
