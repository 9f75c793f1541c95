import type { RemoteAuth } from '../types.js';

export function authorizationHeader(auth: RemoteAuth | undefined): string | null {
  if (!auth) return null;
  return `Basic ${Buffer.from(`${auth.username ?? 'canon'}:${auth.token}`, 'utf8').toString('base64')}`;
}

/** Everything that must never be printed: the token and the header value derived from it. */
export function secretsOf(auth: RemoteAuth | undefined): string[] {
  const header = authorizationHeader(auth);
  return auth && header ? [auth.token, header.slice('Basic '.length)] : [];
}

/**
 * Hands the header to git through `GIT_CONFIG_*` variables (as `-c http.extraHeader=…`
 * would, but invisible in argv, `ps` and error messages).
 */
export function gitAuthEnv(auth: RemoteAuth | undefined): Record<string, string> {
  const header = authorizationHeader(auth);
  if (!header) return { GIT_CONFIG_COUNT: '0' };
  return {
    GIT_CONFIG_COUNT: '1',
    GIT_CONFIG_KEY_0: 'http.extraHeader',
    GIT_CONFIG_VALUE_0: `Authorization: ${header}`,
  };
}
