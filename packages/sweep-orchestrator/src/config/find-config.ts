import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError } from './errors.js';

export const SYSTEM_CONFIG_PATH = '/etc/canon/config.json';

export type FindConfigOptions = {
  flag?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Where the system-wide file lives; only tests change it. */
  systemPath?: string;
};

/**
 * `--config`, then `$CANON_CONFIG`, then `./canon.config.json`, then the system file. An explicit
 * flag or variable that names a missing file is an error, never a silent fall-through.
 */
export function findConfigPath(opts: FindConfigOptions): string {
  const explicit: [string, string | undefined][] = [
    ['--config', opts.flag],
    ['$CANON_CONFIG', opts.env.CANON_CONFIG === '' ? undefined : opts.env.CANON_CONFIG],
  ];
  for (const [source, value] of explicit) {
    if (value === undefined) continue;
    const path = resolve(opts.cwd, value);
    if (!existsSync(path)) {
      throw new ConfigError('CONFIG_NOT_FOUND', {
        path,
        errors: [{ path: '', message: `${source} names ${path}, which does not exist` }],
      });
    }
    return path;
  }
  const candidates = [resolve(opts.cwd, 'canon.config.json'), opts.systemPath ?? SYSTEM_CONFIG_PATH];
  const found = candidates.find((c) => existsSync(c));
  if (found === undefined) {
    throw new ConfigError('CONFIG_NOT_FOUND', {
      path: candidates.join(', '),
      errors: [{ path: '', message: 'pass --config FILE, set $CANON_CONFIG, or create ./canon.config.json' }],
    });
  }
  return found;
}
