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

// SPEC allows the scp-like form only as `git@host:path`; host and path may not look like options.
const SCP_LIKE = /^git@([A-Za-z0-9.-]+):([A-Za-z0-9._~/-]+)$/;

const ALLOWED = 'use https://, http://, ssh:// or git@host:path';

/**
 * The one rule for remotes canon may talk to (config and every git call use it):
 * `https://`, `http://`, `ssh://` and scp-like `git@host:path`. Refuses git's transport
 * helpers (`ext::`, `file::`), local paths, anything git could read as an option (a leading
 * `-`, or a host or path starting with one) and whitespace or control characters. The
 * reason never shows credentials.
 */
export function validateRemoteUrl(url: string): { ok: true } | { ok: false; reason: string } {
  if (url.length === 0) return { ok: false, reason: 'the URL is empty' };
  if (url.startsWith('-')) {
    return {
      ok: false,
      reason: `${JSON.stringify(redactText(url))} starts with "-"; git would read it as an option`,
    };
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(url))
    return { ok: false, reason: 'the URL contains whitespace or control characters' };
  const helper = /^[A-Za-z0-9+.-]+::/.exec(url);
  if (helper !== null) {
    return {
      ok: false,
      reason: `transport helpers like "${helper[0]}" are not allowed (git would run them); ${ALLOWED}`,
    };
  }
  const scp = SCP_LIKE.exec(url);
  if (scp !== null) {
    const [, host = '', path = ''] = scp;
    if (host.startsWith('-') || path.startsWith('-')) {
      return {
        ok: false,
        reason: 'the host or path starts with "-"; git would read it as an option',
      };
    }
    return { ok: true };
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { ok: false, reason: `not a URL; ${ALLOWED}` };
  }
  if (!['https:', 'http:', 'ssh:'].includes(parsed.protocol)) {
    return {
      ok: false,
      reason: `scheme "${parsed.protocol.replace(/:$/, '')}" is not allowed; ${ALLOWED}`,
    };
  }
  if (parsed.hostname === '') return { ok: false, reason: 'the URL has no host' };
  if (parsed.hostname.startsWith('-')) {
    return { ok: false, reason: 'the host starts with "-"; ssh would read it as an option' };
  }
  return { ok: true };
}
