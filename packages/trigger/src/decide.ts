import {
  classifyTags,
  compareRecipeVersions,
  parseRecipeVersion,
  versionOfTag,
  type IgnoredTag,
  type TagRef,
} from './version.js';

export type DecisionInput = {
  recipe: string;
  enrolled: boolean;
  notEnrolledReason?: string;
  /** Tags with their peeled commits: the mirror's after sync (`plan`: upstream's). */
  tags: readonly TagRef[];
  canonical: { version: string; commit: string } | null;
  blocked: readonly { version: string; reason: string }[];
  /** `busyCheck` said another CI run holds the recipe. */
  busy: boolean;
  force: boolean;
  includePrereleases: boolean;
};

export type RunReason = 'forced' | 'seed' | 'new-release' | 'tag-moved';
export type SkipReason =
  | 'not-enrolled'
  | 'never-released'
  | 'busy'
  | 'blocked'
  | 'no-new-version'
  | 'canonical-ahead';

type DecisionCommon = {
  /** The canonical version before this run, or null. */
  canonical: string | null;
  /** One line a person can read: why this decision. */
  detail: string;
  warnings: string[];
  ignored: IgnoredTag[];
};

/** The newest release tag with its version (the tag without one leading `v`), parsed once here. */
export type LatestRelease = TagRef & { version: string };

export type Decision =
  | ({ action: 'run'; reason: RunReason; latest: LatestRelease } & DecisionCommon)
  | ({ action: 'skip'; reason: SkipReason; latest: LatestRelease | null } & DecisionCommon);

function short(commit: string): string {
  return commit.slice(0, 12);
}

function blockFor(
  latest: LatestRelease,
  blocked: DecisionInput['blocked'],
): { version: string; reason: string } | undefined {
  return blocked.find((b) => b.version === latest.name || b.version === latest.version);
}

/**
 * SPEC's decision table, top to bottom, first match wins. Keyed on release versions and
 * the tags' own commits only: there is no input through which a branch commit could
 * cause a run.
 */
export function decide(input: DecisionInput): Decision {
  const canonical = input.canonical?.version ?? null;
  const { releases, ignored } = classifyTags(input.tags, {
    includePrereleases: input.includePrereleases,
  });
  const newest = releases[0];
  const latest: LatestRelease | null = newest === undefined ? null : { ...newest, version: versionOfTag(newest.name) };
  const common = { canonical, ignored };
  const skip = (reason: SkipReason, detail: string, warnings: string[] = []): Decision => ({
    action: 'skip',
    reason,
    latest,
    detail,
    warnings,
    ...common,
  });

  if (!input.enrolled) {
    return skip('not-enrolled', input.notEnrolledReason ?? 'not enrolled in the config');
  }
  if (latest === null) {
    const what = ignored.length === 0 ? 'no tags' : `${ignored.length} tag(s), none a release`;
    return skip('never-released', `${what}; untagged commits are never releases`);
  }
  const run = (reason: RunReason, detail: string, warnings: string[] = []): Decision => ({
    action: 'run',
    reason,
    latest,
    detail,
    warnings,
    ...common,
  });
  if (input.busy) return skip('busy', 'another CI run holds this recipe (busyCheck)');
  if (input.force) return run('forced', `--force: testing ${latest.name}`);
  const block = blockFor(latest, input.blocked);
  if (block !== undefined) return skip('blocked', `${latest.name} is blocked: ${block.reason}`);
  if (input.canonical === null) return run('seed', `no canonical yet; seeding ${latest.name}`);

  const current = input.canonical;
  if (!parseRecipeVersion(current.version).ok) {
    // A canonical that is not a version (a hand-edited record) cannot be compared; test the
    // newest release rather than trust it, but never as a seed (a seed tears down first).
    return run('new-release', `canonical "${current.version}" is not a version; testing ${latest.name}`, [
      `canonical version "${current.version}" is not a recipe version`,
    ]);
  }
  // The canonical records the tested *version* (a `v1.2.3` tag is version `1.2.3`): compare
  // versions, or a v-prefixed tag would look newer than itself and run every sweep.
  const order = compareRecipeVersions(latest.version, versionOfTag(current.version));
  if (order > 0) return run('new-release', `${current.version} → ${latest.name}`);
  if (order < 0) {
    return skip('canonical-ahead', `canonical ${current.version} is newer than the newest tag ${latest.name}`, [
      `canonical ${current.version} is ahead of upstream's newest release ${latest.name} (tag deleted upstream?)`,
    ]);
  }
  if (latest.commit !== current.commit) {
    const moved = `tag ${latest.name} moved: ${short(current.commit)} → ${short(latest.commit)}`;
    return run('tag-moved', moved, [moved]);
  }
  return skip('no-new-version', `${latest.name} is already canonical at ${short(current.commit)}`);
}
