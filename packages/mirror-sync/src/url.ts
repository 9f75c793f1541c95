/**
 * Hides credentials in a remote URL: `https://user:tok@host/x.git` → `https://***@host/x.git`.
 * Strings that do not parse as URLs still lose anything between `//` and `@`.
 */
export function redactUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@?#]*@/, '$1***@');
}

/** Redacts every URL's credentials and every listed secret inside free text (stderr, messages). */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(/([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^/@\s'"]*@/g, '$1***@');
  for (const secret of secrets) {
    if (secret.length > 0) out = out.split(secret).join('***');
  }
  return out;
}

const SCP_LIKE = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[A-Za-z0-9._~/-]+$/;

/**
 * Accepts only remotes canon may talk to: `https://`, `http://`, `ssh://` and scp-like
 * `git@host:path`. Refuses git's transport helpers (`ext::`, `file::`), local paths,
 * anything starting with `-` (it would reach git as an option) and control characters.
 */
export function validateRemoteUrl(url: string): { ok: true } | { ok: false; reason: string } {
  if (url.length === 0) return { ok: false, reason: 'the URL is empty' };
  if (url.startsWith('-'))
    return { ok: false, reason: 'a URL must not start with "-" (git would read it as an option)' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(url))
    return { ok: false, reason: 'the URL contains whitespace or control characters' };
  if (/^[A-Za-z0-9+.-]+::/.test(url))
    return {
      ok: false,
      reason: `transport helpers like "${url.slice(0, url.indexOf('::') + 2)}" are not allowed`,
    };
  if (SCP_LIKE.test(url)) return { ok: true };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: 'expected https://, http://, ssh:// or git@host:path' };
  }
  if (!['https:', 'http:', 'ssh:'].includes(parsed.protocol)) {
    return {
      ok: false,
      reason: `scheme "${parsed.protocol}" is not allowed; expected https, http or ssh`,
    };
  }
  if (parsed.hostname === '') return { ok: false, reason: 'the URL has no host' };
  return { ok: true };
}
