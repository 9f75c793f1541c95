import { canonEnv } from './canon-env.js';
import { expandEnv, type PlaceholderValues } from './config/index.js';

/** A release as canon runs commands against it: the tag, its peeled commit and its checkout. */
export type TestedRelease = { version: string; tag: string; commit: string; checkout: string };

/** What a recipe's command sees: its `{placeholder}` values and its environment. */
export type CommandValues = { placeholders: PlaceholderValues; env: Record<string, string> };

export type PromoteMode = 'seed' | 'advance' | 'rollback';

type ValuesBase = {
  recipe: string;
  runId: string;
  runDir: string;
  release: TestedRelease;
  upgradeBase: string | null;
  previousVersion: string | null;
  /** The recipe's own `env` map, expanded with the same placeholders. */
  env: Readonly<Record<string, string>>;
};

export type CommandValuesInput =
  | (ValuesBase & { kind: 'test'; domain: string | null })
  | (ValuesBase & { kind: 'promote'; domain: string; mode: PromoteMode });

/**
 * The one place a release becomes command values, for test, promote and rollback runs alike.
 * A test's CANON_* win over its `test.env` and it gets no CANON_DOMAIN, CANON_PREVIOUS_VERSION
 * or CANON_MODE (SPEC "Commands"); a promote's `promote.env` may override its CANON_*.
 */
export function commandValues(input: CommandValuesInput): CommandValues {
  const { release } = input;
  const placeholders: PlaceholderValues = {
    recipe: input.recipe,
    version: release.version,
    tag: release.tag,
    commit: release.commit,
    checkout: release.checkout,
    upgradeBase: input.upgradeBase ?? '',
    runId: input.runId,
    runDir: input.runDir,
    previousVersion: input.previousVersion ?? '',
    ...(input.domain === null ? {} : { domain: input.domain }),
  };
  const canon = {
    recipe: input.recipe,
    version: release.version,
    tag: release.tag,
    commit: release.commit,
    checkout: release.checkout,
    upgradeBase: input.upgradeBase,
    runId: input.runId,
  };
  const own = expandEnv(input.env, placeholders);
  if (input.kind === 'test') return { placeholders, env: { ...own, ...canonEnv(canon) } };
  const promoteEnv = canonEnv({ ...canon, domain: input.domain, previousVersion: input.previousVersion, mode: input.mode });
  return { placeholders, env: { ...promoteEnv, ...own } };
}
