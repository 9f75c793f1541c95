export type CanonEnvValues = {
  recipe: string;
  version: string;
  tag: string;
  commit: string;
  checkout: string;
  upgradeBase: string | null;
  runId: string;
  domain?: string;
  previousVersion?: string | null;
  mode?: 'seed' | 'advance' | 'rollback';
};

/** The CANON_* variables of SPEC; promote-only ones appear when their value is given. */
export function canonEnv(values: CanonEnvValues): Record<string, string> {
  const env: Record<string, string> = {
    CANON_RECIPE: values.recipe,
    CANON_VERSION: values.version,
    CANON_TAG: values.tag,
    CANON_COMMIT: values.commit,
    CANON_CHECKOUT: values.checkout,
    CANON_UPGRADE_BASE: values.upgradeBase ?? '',
    CANON_RUN_ID: values.runId,
    // The checkout is already the tested tag: runners must not fetch a newer one.
    CANON_SKIP_FETCH: '1',
  };
  if (values.domain !== undefined) env.CANON_DOMAIN = values.domain;
  if (values.previousVersion !== undefined) env.CANON_PREVIOUS_VERSION = values.previousVersion ?? '';
  if (values.mode !== undefined) env.CANON_MODE = values.mode;
  return env;
}
