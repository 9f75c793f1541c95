// The one error shape of canon: every package's error classes extend CanonError.

export type { CanonErrorJSON, CanonErrorOptions } from './canon-error.js';
export { brandOf, CANON_ERROR, CanonError } from './canon-error.js';
