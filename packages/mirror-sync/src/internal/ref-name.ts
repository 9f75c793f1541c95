// git's check-ref-format rules, applied in-process: names from a remote are data, but a
// name git itself would refuse cannot have come from a real repository.
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0020\u007f~^:?*[\\]/;

export function isValidRefName(ref: string): boolean {
  if (
    !ref.startsWith('refs/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref.includes('//')
  )
    return false;
  if (FORBIDDEN.test(ref)) return false;
  return ref
    .split('/')
    .every((part) => part.length > 0 && !part.startsWith('.') && !part.endsWith('.lock'));
}

export const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;
