import { validateRemoteUrl } from '@canon/mirror-sync';
import { isRecipeName, RECIPE_NAME_SHAPE } from '@canon/trigger';

/** trigger's one recipe-name pattern, plus a length limit and no traversal for the config. */
export function recipeNameProblem(name: string): string | null {
  if (!isRecipeName(name)) return `a recipe name must match ${RECIPE_NAME_SHAPE}`;
  if (name.length > 100) return `recipe name is ${name.length} characters long; at most 100 are allowed`;
  if (name.includes('..')) return `recipe name "${name}" must not contain ".."`;
  return null;
}

const LABEL = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/i;

export function domainProblem(domain: string): string | null {
  if (domain.length === 0) return 'domain is empty';
  if (domain.length > 253) return `domain is ${domain.length} characters long; at most 253 are allowed`;
  const bad = domain.split('.').find((label) => !LABEL.test(label));
  if (bad !== undefined) {
    return `"${domain}" is not a domain name (label "${bad}": letters, digits and inner hyphens only)`;
  }
  return null;
}

/**
 * Git remotes follow mirror-sync's one rule (https, http, ssh, `git@host:path`; no transport
 * helpers, no option look-alikes). On top, a config file must not carry a password.
 */
export function remoteUrlProblem(url: string): string | null {
  const verdict = validateRemoteUrl(url);
  if (!verdict.ok) return verdict.reason;
  if (!url.startsWith('git@') && new URL(url).password !== '') {
    return 'URL carries a password; put secrets in forge.tokenFile or forge.tokenEnv instead';
  }
  return null;
}

export function httpUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    return `scheme "${parsed.protocol.replace(/:$/, '')}" is not allowed; use https or http`;
  }
  if (parsed.hostname === '') return `"${url}" has no host`;
  if (parsed.password !== '') return 'URL carries a password; put secrets in forge.tokenFile or forge.tokenEnv instead';
  return null;
}

export function regexProblem(pattern: string): string | null {
  try {
    new RegExp(pattern);
    return null;
  } catch (error) {
    return `not a valid regular expression: ${(error as Error).message}`;
  }
}

/** `host:port` as `canon listen` binds it: an IPv4 address or name, or `[IPv6]`, and a port (0: any free one). */
export function parseListenAddress(value: string): { host: string; port: number } | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value);
  if (m === null) return null;
  const port = Number(m[3]);
  if (port > 65535) return null;
  return { host: m[1] ?? m[2] ?? '', port };
}

export function listenAddressProblem(value: string): string | null {
  return parseListenAddress(value) === null
    ? `expected host:port (e.g. "127.0.0.1:8787" or "[::1]:8787", port 0–65535), got ${JSON.stringify(value)}`
    : null;
}
