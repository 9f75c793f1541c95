import { describe, expect, it } from 'vitest';
import {
  classifyTags,
  compareRecipeVersions,
  isReleaseTag,
  latestRelease,
  parseRecipeVersion,
  releaseProblem,
  upgradeBase,
  versionOfTag,
  type TagRef,
} from '@canon/trigger';
import * as fleet from './testing/coop-cloud-tags.js';

const refs = (names: readonly string[]): TagRef[] =>
  names.map((name, i) => ({ name, commit: i.toString(16).padStart(40, '0') }));

describe('release tags', () => {
  it.each([
    '3.6.0+1.24.2-rootless',
    '0.6.0+v2026.5.1',
    '1.13.0+1.31.1',
    '1.4.0+6.45.0-alpine',
    'v1.2.3',
    '1.2.3',
    '1.0.0+01',
  ])('%s is a release', (tag) => {
    expect(isReleaseTag(tag)).toBe(true);
    expect(releaseProblem(tag)).toBeNull();
  });

  it.each([
    ['1.14.1-rootless_1', 'not a semver 2.0 version'],
    ['1.14.1-rootless', 'prerelease "rootless"'],
    ['2.0.0-rc.1+5.0', 'prerelease "rc.1"'],
    ['latest', 'not a semver 2.0 version'],
    ['vv1.2.3', 'not a semver 2.0 version'],
    ['=1.2.3', 'not a semver 2.0 version'],
    [' 1.2.3', 'not a semver 2.0 version'],
    ['01.2.3', 'not a semver 2.0 version'],
    ['1.2', 'not a semver 2.0 version'],
    ['', 'empty tag name'],
    ['$(touch /tmp/pwned)', 'not a semver 2.0 version'],
    ['--upload-pack=evil', 'not a semver 2.0 version'],
    ['1.2.3+a;rm -rf /', 'not a semver 2.0 version'],
    ['1.2.3\n', 'not a semver 2.0 version'],
    [`1.2.3+${'a'.repeat(300)}`, 'longer than 256 characters'],
    ['99999999999999999999.0.0', 'unusable version'],
  ])('%j is ignored: %s', (tag, reason) => {
    expect(isReleaseTag(tag)).toBe(false);
    expect(releaseProblem(tag)).toContain(reason);
  });

  it('counts prereleases only when asked', () => {
    expect(isReleaseTag('2.0.0-rc.1+5.0', { includePrereleases: true })).toBe(true);
    expect(isReleaseTag('1.14.1-rootless', { includePrereleases: true })).toBe(true);
    expect(isReleaseTag('1.14.1-rootless_1', { includePrereleases: true })).toBe(false);
  });

  it('keeps the raw tag and its build metadata', () => {
    const parsed = parseRecipeVersion('v3.6.0+1.24.2-rootless');
    expect(parsed).toEqual({
      ok: true,
      version: {
        raw: 'v3.6.0+1.24.2-rootless',
        major: 3,
        minor: 6,
        patch: 0,
        prerelease: [],
        build: ['1', '24', '2-rootless'],
      },
    });
  });
});

describe('order', () => {
  it.each([
    ['1.0.0+1.14.1', '1.0.1+1.14.1', -1],
    ['3.5.3+1.24.2-rootless', '3.6.0+1.24.2-rootless', -1],
    ['6.0.1+28.0.2-fpm', '5.0.3+27.0.1-fpm', 1],
    ['2.0.0-rc.1+5.0', '2.0.0+5.0', -1],
    ['2.0.0-rc.2', '2.0.0-rc.10', -1],
    ['2.0.0-alpha', '2.0.0-alpha.1', -1],
    ['2.0.0-1', '2.0.0-alpha', -1],
    ['1.0.0+1.9.0', '1.0.0+1.10.0', -1],
    ['1.0.0+1.24.2', '1.0.0+1.24.2-rootless', -1],
    ['1.0.0+2', '1.0.0+rootless', -1],
    ['1.0.0', '1.0.0+0', -1],
    ['1.0.0+1', '1.0.0+1.0', -1],
    ['1.0.0+01', '1.0.0+1', -1],
    ['1.2.3', 'v1.2.3', -1],
    ['1.0.0+99999999999999999999999', '1.0.0+100000000000000000000000', -1],
    ['3.6.0+1.24.2-rootless', '3.6.0+1.24.2-rootless', 0],
  ])('%s vs %s → %d', (a, b, expected) => {
    expect(compareRecipeVersions(a, b)).toBe(expected);
    expect(compareRecipeVersions(b, a)).toBe(-expected || 0);
  });

  it('refuses to order a tag that is not a version', () => {
    expect(() => compareRecipeVersions('latest', '1.0.0')).toThrow(/not a recipe version: "latest"/);
    expect(() => compareRecipeVersions('1.0.0', 'latest')).toThrow(TypeError);
  });
});

describe('Co-op Cloud tag lists', () => {
  it.each(Object.entries(fleet.newestOf))('newest %s release is %s', (name, newest) => {
    const tags = fleet[name as keyof typeof fleet.newestOf];
    expect(latestRelease(refs(tags))?.name).toBe(newest);
  });

  it('never picks a backport tagged after a newer release', () => {
    const latest = latestRelease(refs(fleet.nextcloud));
    expect(latest).toEqual({ name: '6.0.1+28.0.2-fpm', commit: '4'.padStart(40, '0') });
  });

  it('lists legacy and non-release tags as ignored, with reasons', () => {
    const { releases, ignored } = classifyTags(refs(fleet.gitea));
    expect(releases.map((r) => r.name)).toEqual([
      '3.6.0+1.24.2-rootless',
      '3.5.3+1.24.2-rootless',
      '3.0.0+1.21.0-rootless',
      '2.3.2+1.19.3-rootless',
      '2.0.0+1.17.0-rootless',
      '1.1.0+1.15.3-rootless',
      '1.0.0+1.14.1-rootless',
    ]);
    expect(ignored).toEqual([
      { name: '1.14.1-rootless_1', reason: expect.stringContaining('not a semver 2.0') },
      { name: 'latest', reason: expect.stringContaining('not a semver 2.0') },
    ]);
  });

  it('orders the botched bare plausible 3.0.0 below the real one, rc ignored', () => {
    const { releases, ignored } = classifyTags(refs(fleet.plausible));
    expect(releases.slice(0, 2).map((r) => r.name)).toEqual(['3.0.0+v2.1.0', '3.0.0']);
    expect(ignored.map((i) => i.name)).toEqual(['3.0.0-rc.1+v2.1.0']);
  });

  it('has no latest release when nothing is released', () => {
    expect(latestRelease(refs(['latest', '1.14.1-rootless_1']))).toBeNull();
    expect(latestRelease([])).toBeNull();
  });
});

describe('upgradeBase', () => {
  it.each([
    [fleet.gitea, '3.6.0+1.24.2-rootless', '3.5.3+1.24.2-rootless'],
    [fleet.gitea, '1.0.0+1.14.1-rootless', null],
    [fleet.nextcloud, '6.0.1+28.0.2-fpm', '6.0.0+28.0.1-fpm'],
    [fleet.nextcloud, '6.0.0+28.0.1-fpm', '5.0.3+27.0.1-fpm'],
    [fleet.customHtml, '9.9.9', '1.13.0+1.31.1'],
    [fleet.plausible, '3.0.0+v2.1.0', '3.0.0'],
    [[], '1.0.0', null],
  ])('in %j below %s is %s', (tags, version, expected) => {
    expect(upgradeBase(tags, version)).toBe(expected);
  });

  it('never returns the version itself', () => {
    expect(upgradeBase(['1.0.0', '1.0.0'], '1.0.0')).toBeNull();
  });

  it('skips prereleases unless asked', () => {
    expect(upgradeBase(['1.0.0', '2.0.0-rc.1'], '2.0.0')).toBe('1.0.0');
    expect(upgradeBase(['1.0.0', '2.0.0-rc.1'], '2.0.0', { includePrereleases: true })).toBe('2.0.0-rc.1');
  });

  it('refuses a target that is not a version', () => {
    expect(() => upgradeBase(['1.0.0'], 'main')).toThrow(/not a recipe version: "main"/);
  });
});

describe('versionOfTag', () => {
  it.each([
    ['v1.2.3', '1.2.3'],
    ['1.2.3', '1.2.3'],
    ['vv1.2.3', 'v1.2.3'],
    ['3.6.0+1.24.2-rootless', '3.6.0+1.24.2-rootless'],
  ])('%s names version %s', (tag, version) => {
    expect(versionOfTag(tag)).toBe(version);
  });
});
