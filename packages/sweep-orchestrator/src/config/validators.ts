/** Recipe names become directory names and URL parts: no separators, no traversal, no option look-alikes. */
export const RECIPE_NAME = /^[a-z0-9][a-z0-9._-]*$/;

export function recipeNameProblem(name: string): string | null {
  if (!RECIPE_NAME.test(name)) return 'a recipe name must match [a-z0-9][a-z0-9._-]*';
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

const SCP_LIKE = /^git@([A-Za-z0-9.-]+):([A-Za-z0-9._~/-]+)$/;

/**
 * Git remotes: only https, http, ssh and `git@host:path`. Transport helpers (`ext::` runs a
 * command, `file::`), local paths and anything git could read as an option are refused.
 */
export function remoteUrlProblem(url: string): string | null {
  if (url.startsWith('-')) return `"${url}" starts with "-" and could be read as an option`;
  if ([...url].some((ch) => ch.trim() === '' || ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return 'URL contains whitespace or control characters';
  if (url.includes('::')) return `"${url}" uses a git transport helper ("::"); only https, http, ssh and git@ URLs are allowed`;
  const scp = SCP_LIKE.exec(url);
  if (scp !== null) {
    const [, host = '', path = ''] = scp;
    if (host.startsWith('-') || path.startsWith('-')) return `"${url}" has a part starting with "-"`;
    return null;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; use https://, http://, ssh:// or git@host:path`;
  }
  if (!['https:', 'http:', 'ssh:'].includes(parsed.protocol)) {
    return `scheme "${parsed.protocol.replace(/:$/, '')}" is not allowed; use https, http, ssh or git@host:path`;
  }
  if (parsed.hostname === '') return `"${url}" has no host`;
  if (parsed.password !== '') return 'URL carries a password; put secrets in forge.tokenFile or forge.tokenEnv instead';
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

/** Redis for queue mode: `redis://` or `rediss://` with a host; the password comes from a file, never the URL. */
export function redisUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url}" is not a URL; use redis://host:port or rediss://host:port`;
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    return `scheme "${parsed.protocol.replace(/:$/, '')}" is not allowed; use redis or rediss`;
  }
  if (parsed.hostname === '') return `"${url}" has no host`;
  if (parsed.password !== '') return 'URL carries a password; put it in execution.redis.passwordFile instead';
  if (!/^\/?\d*$/.test(parsed.pathname)) return `"${parsed.pathname}" is not a database number; use redis://host:port/0`;
  return null;
}
