import { approvalFor, approveCommand, describeBumps, heldBy, NO_HOLD, type Approval, type HoldPolicy, type MajorBump } from './hold.js';
import { DAY, duration, gib, short } from './internal/describe.js';
import {
  DEFAULT_RECHECK_AFTER_DAYS,
  findKnownFailure,
  pendingRecheck,
  waiverFor,
  type Recheck,
  type VerdictLine,
  type Waiver,
} from './verdict.js';
import {
  classifyTags,
  compareRecipeVersions,
  parseRecipeVersion,
  versionOfTag,
  type IgnoredTag,
  type RecipeVersion,
  type TagRef,
} from './version.js';

/** A release tag with its version (the tag without a leading `v`) and its parse. */
export type ReleaseRef = TagRef & { version: string; parsed: RecipeVersion };

/** The recipe's verdict lines and what the current settings hash to (SPEC "Verdicts"). */
export type VerdictInput = {
  lines: readonly VerdictLine[];
  suiteRev: string;
  promoteRev: string;
  rechecks?: readonly Recheck[];
  waivers?: readonly Waiver[];
  recheckAfterDays?: number;
};

export type DecisionInput = {
  recipe: string;
  enrolled: boolean;
  notEnrolledReason?: string;
  /** Tags with their peeled commits: the mirror's after sync (`plan`: upstream's). */
  tags: readonly TagRef[];
  /** `parents`: the recorded commit's parents, to recognise an old promote's merge commit. */
  canonical: { version: string; commit: string; parents?: readonly string[] } | null;
  blocked: readonly { version: string; reason: string }[];
  /** `busyCheck` said another CI run holds the recipe. */
  busy: boolean;
  /** `--force` for this recipe (the CLI accepts it only with `--recipe`). */
  force: boolean;
  includePrereleases: boolean;
  /** Recipes of earlier tiers (or `dependsOn`) that ended unhealthy. */
  infraDegraded?: readonly { recipe: string; reason: string }[];
  hold?: HoldPolicy;
  /** Approvals of kind `approve`. */
  approvals?: readonly Approval[];
  /** The warm domain is in `protectedDomains`. */
  protectedDomain?: boolean;
  promoteMode?: 'warm' | 'live';
  /** The warm volumes' recorded size against `diskBudgetGiB`; null or absent: no budget. */
  disk?: { usedBytes: number; budgetBytes: number } | null;
  verdicts?: VerdictInput;
  /** Needed for expiries and ages: without it nothing with an expiry counts and no age elapses. */
  now?: Date;
};

export type RunReason = 'forced' | 'seed' | 'new-release' | 'tag-moved';
export type SkipReason =
  | 'not-enrolled'
  | 'never-released'
  | 'busy'
  | 'blocked'
  | 'infra-degraded'
  | 'held-major'
  | 'protected-domain'
  | 'disk-budget'
  | 'known-failed'
  | 'no-new-version'
  | 'canonical-ahead';

/** The rows above `forced`: `--force` never turns one of these into a run. */
export const SAFETY_SKIPS: readonly SkipReason[] = [
  'not-enrolled',
  'never-released',
  'busy',
  'blocked',
  'infra-degraded',
  'held-major',
  'protected-domain',
  'disk-budget',
];

type DecisionCommon = {
  /** The canonical version before this run, or null. */
  canonical: string | null;
  /** One line a person can read: why this decision. */
  detail: string;
  warnings: string[];
  ignored: IgnoredTag[];
};

export type Decision =
  | ({ action: 'run'; reason: RunReason; latest: ReleaseRef } & DecisionCommon)
  | ({ action: 'skip'; reason: SkipReason; latest: ReleaseRef | null } & DecisionCommon);

type Exclusion = { kind: 'blocked'; reason: string } | { kind: 'held'; bumps: MajorBump[] };

function releasesOf(input: DecisionInput): { releases: ReleaseRef[]; ignored: IgnoredTag[] } {
  const { releases, ignored } = classifyTags(input.tags, { includePrereleases: input.includePrereleases });
  return {
    releases: releases.map((tag) => ({
      ...tag,
      version: versionOfTag(tag.name),
      parsed: (parseRecipeVersion(tag.name) as { ok: true; version: RecipeVersion }).version,
    })),
    ignored,
  };
}

// The canonical records the tested *version* (a `v1.2.3` tag is version `1.2.3`): compare
// versions, or a v-prefixed tag would look newer than itself and run every sweep.
function compareVersions(a: string, b: string): -1 | 0 | 1 {
  return compareRecipeVersions(versionOfTag(a), versionOfTag(b));
}

function describeExclusion(release: ReleaseRef, e: Exclusion): string {
  return e.kind === 'blocked'
    ? `${release.name} blocked: ${e.reason}`
    : `${release.name} held (${describeBumps(e.bumps)}, not approved)`;
}

/**
 * SPEC's decision table, top to bottom, first match wins, with SPEC's candidate rule, its
 * legacy merge-commit records and its protected-domain guard. Keyed on release versions
 * and the tags' own commits only: there is no input through which a branch commit could
 * cause a run.
 */
export function decide(input: DecisionInput): Decision {
  const canonical = input.canonical?.version ?? null;
  const now = input.now ?? null;
  const { releases, ignored } = releasesOf(input);
  const newest = releases[0] ?? null;
  let latest: ReleaseRef | null = newest;
  const skip = (reason: SkipReason, detail: string, warnings: string[] = []): Decision => ({
    action: 'skip', reason, latest, detail, warnings, canonical, ignored,
  });

  if (!input.enrolled) {
    return skip('not-enrolled', input.notEnrolledReason ?? 'not enrolled in the config');
  }
  if (newest === null) {
    const what = ignored.length === 0 ? 'no tags' : `${ignored.length} tag(s), none a release`;
    return skip('never-released', `${what}; untagged commits are never releases`);
  }
  if (input.busy) return skip('busy', 'another CI run holds this recipe (busyCheck)');

  const parsedCanonical = input.canonical === null ? null : parseRecipeVersion(input.canonical.version);
  const base = parsedCanonical?.ok === true ? parsedCanonical.version : null;
  const hold = input.hold ?? NO_HOLD;
  const approvals = input.approvals ?? [];
  const exclusionOf = (r: ReleaseRef): Exclusion | null => {
    const block = input.blocked.find((b) => versionOfTag(b.version) === r.version);
    if (block !== undefined) return { kind: 'blocked', reason: block.reason };
    const bumps = heldBy(r.parsed, base, hold);
    return bumps.length > 0 && approvalFor(r.version, approvals, now) === null ? { kind: 'held', bumps } : null;
  };

  // The candidate: with a comparable canonical, a blocked or held newest release gives way
  // to the newest release that is neither, if that one is newer than the canonical.
  const top = exclusionOf(newest);
  const above: string[] = [];
  let candidate = newest;
  if (top !== null && base !== null) {
    for (const r of releases) {
      const e = exclusionOf(r);
      if (e === null) {
        if (compareVersions(r.name, base.raw) > 0) candidate = r;
        break;
      }
      above.push(describeExclusion(r, e));
    }
  }
  latest = candidate;
  const stuck = top !== null && candidate === newest;
  const noneNewer = base === null ? '' : `; nothing newer than the canonical ${canonical} may run`;
  if (stuck && top.kind === 'blocked') {
    return skip('blocked', `${newest.name} is blocked: ${top.reason}${noneNewer}`);
  }
  const degraded = input.infraDegraded ?? [];
  if (degraded.length > 0) {
    const which = degraded.map((d) => `${d.recipe} (${d.reason})`).join(', ');
    return skip('infra-degraded', `an earlier tier ended unhealthy: ${which}; not tested`);
  }
  if (stuck && top.kind === 'held') {
    return skip(
      'held-major',
      `${newest.name} is a held major (${describeBumps(top.bumps)})${noneNewer}; approve it with \`${approveCommand(input.recipe, newest.version)}\``,
    );
  }

  const protectedDomain = input.protectedDomain === true;
  const live = input.promoteMode === 'live';
  if (input.canonical === null) {
    if (protectedDomain || live) {
      const why = protectedDomain ? 'the warm domain is protected' : 'promote.mode is live';
      return skip(
        'protected-domain',
        `no canonical yet and ${why}: nothing is tested or seeded; record what runs there with \`canon adopt\` ` +
          `(\`canon adopt --recipe ${input.recipe} --version ${candidate.version} --reason <why>\`)`,
      );
    }
    const disk = input.disk ?? null;
    if (disk !== null && disk.usedBytes > disk.budgetBytes) {
      return skip(
        'disk-budget',
        `no canonical yet and the warm volumes use ${gib(disk.usedBytes)} / ${gib(disk.budgetBytes)} ` +
          '(diskBudgetGiB): seeds wait until space is freed',
      );
    }
  }

  const run = (reason: RunReason, detail: string, warnings: string[] = []): Decision =>
    // SPEC: a protected domain is only ever deployed by `mode: "live"`; anything else is
    // refused before its test, not tested to be refused afterwards.
    protectedDomain && !live
      ? skip('protected-domain', `the warm domain is protected and promote.mode is not live: ${candidate.name} is not tested or deployed`, warnings)
      : { action: 'run', reason, latest: candidate, detail, warnings, canonical, ignored };
  const notes = above.length === 0 ? [] : [`newer but not run: ${above.join('; ')}`];
  const approvedBumps = heldBy(candidate.parsed, base, hold);
  if (approvedBumps.length > 0) notes.unshift(`approved major: ${describeBumps(approvedBumps)}`);
  const withNotes = (detail: string, extra: string[] = []): string =>
    [...notes, ...extra].length === 0 ? detail : `${detail} (${[...notes, ...extra].join('; ')})`;

  if (input.force) return run('forced', withNotes(`--force: testing ${candidate.name}`));

  const known = input.verdicts === undefined ? null : knownFailure(input, input.verdicts, candidate, now);
  if (known?.lifted === null) return skip('known-failed', known.detail, known.warnings);
  const lifted = known?.lifted === undefined ? [] : [known.lifted];
  const warnings = known?.warnings ?? [];

  if (input.canonical === null) return run('seed', withNotes(`no canonical yet; seeding ${candidate.name}`, lifted), warnings);
  const current = input.canonical;
  if (base === null) {
    // A canonical that is not a version (a hand-edited record) cannot be compared; test the
    // newest release rather than trust it, but never as a seed (a seed tears down first).
    return run('new-release', withNotes(`canonical "${current.version}" is not a version; testing ${candidate.name}`, lifted), [
      ...warnings,
      `canonical version "${current.version}" is not a recipe version`,
    ]);
  }
  const order = compareVersions(candidate.name, current.version);
  if (order > 0) return run('new-release', withNotes(`${current.version} → ${candidate.name}`, lifted), warnings);
  if (order < 0) {
    return skip('canonical-ahead', `canonical ${current.version} is newer than the newest tag ${candidate.name}`, [
      ...warnings,
      `canonical ${current.version} is ahead of upstream's newest release ${candidate.name} (tag deleted upstream?)`,
    ]);
  }
  if (candidate.commit !== current.commit) {
    if (current.parents?.includes(candidate.commit) === true) {
      const legacy =
        `canonical ${current.version} records ${short(current.commit)}, a merge commit whose parent is the tag's ` +
        `commit ${short(candidate.commit)} (an old promote's record); counted as ${candidate.name}`;
      return skip('no-new-version', `${candidate.name} is already canonical (legacy merge-commit record)`, [...warnings, legacy]);
    }
    const moved = `tag ${candidate.name} moved: ${short(current.commit)} → ${short(candidate.commit)}`;
    return run('tag-moved', withNotes(moved, lifted), [...warnings, moved]);
  }
  return skip('no-new-version', `${candidate.name} is already canonical at ${short(current.commit)}`, warnings);
}

type KnownFailure = { detail: string; warnings: string[]; lifted: string | null };

/** The final verdict standing for the candidate's key, and whether a way out lifts it. */
function knownFailure(input: DecisionInput, v: VerdictInput, candidate: ReleaseRef, now: Date | null): KnownFailure | null {
  const key = { version: candidate.version, commit: candidate.commit, suiteRev: v.suiteRev, promoteRev: v.promoteRev };
  const line = findKnownFailure(v.lines, key);
  if (line === null) return null;
  const days = v.recheckAfterDays ?? DEFAULT_RECHECK_AFTER_DAYS;
  const ageMs = now === null ? Number.NaN : now.getTime() - Date.parse(line.ts);
  const dated = Number.isFinite(ageMs);
  const age = dated ? `${duration(ageMs)} ago` : 'age unknown';
  const what = `${line.outcome}${line.reason === null ? '' : ` (${line.reason})`} in run ${line.runId}, ${age}`;
  const { waiver, expired } = waiverFor(v.waivers ?? [], key, now);
  const warnings = expired.map((w) => `waiver for ${w.version} (expires ${w.expires}) has expired and is ignored`);
  const recheck = pendingRecheck(v.rechecks ?? [], v.lines, candidate.version);
  let lifted: string | null = null;
  if (recheck !== null) lifted = `known failure ${what}; recheck requested ${recheck.ts}`;
  else if (waiver !== null) lifted = `known failure ${what}; waived: ${waiver.reason}`;
  else if (dated && ageMs >= days * DAY) lifted = `known failure ${what}; recheckAfterDays (${days}) elapsed`;
  const left = dated ? `, in ${duration(days * DAY - ageMs)}` : '';
  const detail =
    `${candidate.name} is a known failure: ${what}; re-tested on a newer release, a moved tag, changed suite or ` +
    `promote settings, \`canon recheck --recipe ${input.recipe}\`, a waiver, after recheckAfterDays (${days}${left}) ` +
    `or with \`--force --recipe ${input.recipe}\``;
  return { detail, warnings, lifted };
}
