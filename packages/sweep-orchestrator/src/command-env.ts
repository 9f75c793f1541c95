/** What every command inherits from canon's own environment (SPEC "Commands the test and promote steps run"). */
export const INHERITED_ENV = ['PATH', 'HOME', 'USER', 'LOGNAME', 'LANG', 'TZ', 'TMPDIR'] as const;

export type CommandEnvOptions = {
  /** Further names of canon's environment to pass on (config `passEnv`). */
  passEnv?: readonly string[];
  /** Names never passed on, whatever the lists say (the forge token's variable). */
  withheld?: readonly string[];
};

/**
 * The environment of a command canon starts: an allow-list of canon's own, then `extra` (the
 * CANON_* values and the config's `env`). Anything else in canon's environment, say a stray
 * `REF` or `CCCI_QUICK` in the unit, would silently change what an existing runner does.
 */
export function commandEnv(
  parent: NodeJS.ProcessEnv,
  extra: Record<string, string>,
  opts: CommandEnvOptions = {},
): Record<string, string> {
  const allowed = new Set<string>([...INHERITED_ENV, ...(opts.passEnv ?? [])]);
  const withheld = new Set(opts.withheld ?? []);
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(parent)) {
    if (value === undefined || withheld.has(name)) continue;
    if (allowed.has(name) || name.startsWith('LC_')) env[name] = value;
  }
  return { ...env, ...extra };
}
