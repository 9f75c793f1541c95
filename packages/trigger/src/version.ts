import { SemVer } from 'semver';

/** A tag as listed on a remote: its name and the commit it points at (annotated tags peeled). */
export type TagRef = { name: string; commit: string };

export type VersionOptions = {
  /** Count `X.Y.Z-pre` tags as releases (SPEC: only with `includePrereleases: true`). */
  includePrereleases?: boolean;
};

/** A parsed release tag. `raw` is the tag exactly as written: build metadata lives only there. */
export type RecipeVersion = {
  raw: string;
  major: number;
  minor: number;
  patch: number;
  prerelease: readonly (string | number)[];
  build: readonly string[];
};

export type ParseResult = { ok: true; version: RecipeVersion } | { ok: false; reason: string };

export type IgnoredTag = { name: string; reason: string };

export type Classified = {
  /** Release tags, newest first. */
  releases: TagRef[];
  /** Every tag that is not a release, with why. */
  ignored: IgnoredTag[];
};

// The regular expression published with semver 2.0 (semver.org), anchored. The `semver`
// package's own parser is looser (it accepts `=`, `vv`, surrounding blanks), so we check
// the strict grammar first and only then let `semver` compute precedence.
const SEMVER_2 =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

// Git allows ref names far longer than any version; a bound keeps hostile input cheap.
const MAX_TAG_LENGTH = 256;

const parsedCache = new Map<string, ParseResult>();

function parseUncached(tag: string): ParseResult {
  if (tag.length === 0) return { ok: false, reason: 'empty tag name' };
  if (tag.length > MAX_TAG_LENGTH) {
    return { ok: false, reason: `longer than ${MAX_TAG_LENGTH} characters` };
  }
  const body = tag.startsWith('v') ? tag.slice(1) : tag;
  if (!SEMVER_2.test(body)) {
    return { ok: false, reason: 'not a semver 2.0 version (after dropping one leading "v")' };
  }
  let semver: SemVer;
  try {
    semver = new SemVer(body);
  } catch (cause) {
    // Only reachable for numbers beyond Number.MAX_SAFE_INTEGER, which the grammar allows.
    return { ok: false, reason: `unusable version: ${(cause as Error).message}` };
  }
  const plus = body.indexOf('+');
  return {
    ok: true,
    version: {
      raw: tag,
      major: semver.major,
      minor: semver.minor,
      patch: semver.patch,
      prerelease: semver.prerelease,
      build: plus === -1 ? [] : body.slice(plus + 1).split('.'),
    },
  };
}

/** Parses a tag as a recipe version; never throws. Prereleases parse; `isRelease` decides. */
export function parseRecipeVersion(tag: string): ParseResult {
  let result = parsedCache.get(tag);
  if (result === undefined) {
    result = parseUncached(tag);
    // Sweeps see the same few thousand tags again and again; bound the memo anyway.
    if (parsedCache.size > 50_000) parsedCache.clear();
    parsedCache.set(tag, result);
  }
  return result;
}

/** Why `tag` is not a release, or null when it is one. */
export function releaseProblem(tag: string, opts: VersionOptions = {}): string | null {
  const parsed = parseRecipeVersion(tag);
  if (!parsed.ok) return parsed.reason;
  if (parsed.version.prerelease.length > 0 && opts.includePrereleases !== true) {
    return `prerelease "${parsed.version.prerelease.join('.')}" (counted only with includePrereleases)`;
  }
  return null;
}

/** The recipe version a tag names: the tag without its one optional leading `v`. */
export function versionOfTag(tag: string): string {
  return tag.startsWith('v') ? tag.slice(1) : tag;
}

/** True iff `tag` is a release tag under SPEC's rules. */
export function isReleaseTag(tag: string, opts: VersionOptions = {}): boolean {
  return releaseProblem(tag, opts) === null;
}

function compareNumbers(a: number, b: number): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareStrings(a: string, b: string): -1 | 0 | 1 {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NUMERIC = /^\d+$/;

// Build metadata segment by segment: numeric segments numerically (as BigInt, so any
// length works), numeric before alphanumeric, others as strings; a shorter list of
// otherwise equal segments comes first.
function compareBuild(a: readonly string[], b: readonly string[]): -1 | 0 | 1 {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a[i] as string;
    const y = b[i] as string;
    const xNum = NUMERIC.test(x);
    const yNum = NUMERIC.test(y);
    let c: -1 | 0 | 1;
    if (xNum && yNum) {
      const bx = BigInt(x);
      const by = BigInt(y);
      c = bx < by ? -1 : bx > by ? 1 : 0;
    } else if (xNum !== yNum) {
      c = xNum ? -1 : 1;
    } else {
      c = compareStrings(x, y);
    }
    if (c !== 0) return c;
  }
  return compareNumbers(a.length, b.length);
}

function comparePrerelease(
  a: readonly (string | number)[],
  b: readonly (string | number)[],
): -1 | 0 | 1 {
  // A version without prerelease has higher precedence than one with (semver §11.3).
  if (a.length === 0 || b.length === 0) return compareNumbers(b.length, a.length);
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i += 1) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    if (typeof x === 'number' && typeof y === 'number') {
      const c = compareNumbers(x, y);
      if (c !== 0) return c;
    } else if (typeof x !== typeof y) {
      return typeof x === 'number' ? -1 : 1;
    } else {
      const c = compareStrings(String(x), String(y));
      if (c !== 0) return c;
    }
  }
  return compareNumbers(a.length, b.length);
}

/** Total order on parsed versions: precedence, then build metadata, then the raw string. */
export function compareParsed(a: RecipeVersion, b: RecipeVersion): -1 | 0 | 1 {
  return (
    compareNumbers(a.major, b.major) ||
    compareNumbers(a.minor, b.minor) ||
    compareNumbers(a.patch, b.patch) ||
    comparePrerelease(a.prerelease, b.prerelease) ||
    compareBuild(a.build, b.build) ||
    compareStrings(a.raw, b.raw)
  );
}

/**
 * Orders two version tags totally and deterministically: 0 only for identical strings.
 * Throws a TypeError for a tag that is not a version at all (classify first).
 */
export function compareRecipeVersions(a: string, b: string): -1 | 0 | 1 {
  const pa = parseRecipeVersion(a);
  const pb = parseRecipeVersion(b);
  if (!pa.ok) throw new TypeError(`not a recipe version: ${JSON.stringify(a)} (${pa.reason})`);
  if (!pb.ok) throw new TypeError(`not a recipe version: ${JSON.stringify(b)} (${pb.reason})`);
  return compareParsed(pa.version, pb.version);
}

/** Splits tags into releases (newest first) and ignored tags with reasons. */
export function classifyTags(tags: readonly TagRef[], opts: VersionOptions = {}): Classified {
  const releases: { tag: TagRef; version: RecipeVersion }[] = [];
  const ignored: IgnoredTag[] = [];
  for (const tag of tags) {
    const problem = releaseProblem(tag.name, opts);
    if (problem === null) {
      const parsed = parseRecipeVersion(tag.name) as { ok: true; version: RecipeVersion };
      releases.push({ tag, version: parsed.version });
    } else {
      ignored.push({ name: tag.name, reason: problem });
    }
  }
  releases.sort((x, y) => compareParsed(y.version, x.version));
  ignored.sort((x, y) => compareStrings(x.name, y.name));
  return { releases: releases.map((r) => r.tag), ignored };
}

/** The newest release by precedence (never by date), or null when there is none. */
export function latestRelease(tags: readonly TagRef[], opts: VersionOptions = {}): TagRef | null {
  let best: { tag: TagRef; version: RecipeVersion } | null = null;
  for (const tag of tags) {
    if (releaseProblem(tag.name, opts) !== null) continue;
    const version = (parseRecipeVersion(tag.name) as { ok: true; version: RecipeVersion }).version;
    if (best === null || compareParsed(version, best.version) > 0) best = { tag, version };
  }
  return best?.tag ?? null;
}

/**
 * The newest release strictly older than `version`, or null. Never `version` itself.
 * `version` need not be among `tags`, but must be a version.
 */
export function upgradeBase(
  tags: readonly string[],
  version: string,
  opts: VersionOptions = {},
): string | null {
  const target = parseRecipeVersion(version);
  if (!target.ok) throw new TypeError(`not a recipe version: ${JSON.stringify(version)} (${target.reason})`);
  let best: RecipeVersion | null = null;
  for (const tag of tags) {
    if (releaseProblem(tag, opts) !== null) continue;
    const v = (parseRecipeVersion(tag) as { ok: true; version: RecipeVersion }).version;
    if (compareParsed(v, target.version) >= 0) continue;
    if (best === null || compareParsed(v, best) > 0) best = v;
  }
  return best?.raw ?? null;
}
