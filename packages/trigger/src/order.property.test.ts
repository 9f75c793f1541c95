import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareRecipeVersions, isReleaseTag, upgradeBase } from '@canon/trigger';

const num = fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 1_000_000 }));
const alnum = fc.stringMatching(/^[0-9a-zA-Z-]{1,6}$/);
const preId = fc.oneof(
  fc.integer({ min: 0, max: 20 }).map(String),
  fc.stringMatching(/^[a-zA-Z-][0-9a-zA-Z-]{0,4}$/),
);

// Generated tags lean on collisions (small numbers, shared segments) so ties are common.
const versionTag = fc
  .record({
    v: fc.boolean(),
    major: num,
    minor: num,
    patch: num,
    pre: fc.option(fc.array(preId, { minLength: 1, maxLength: 3 }), { nil: undefined }),
    build: fc.option(fc.array(fc.oneof(alnum, fc.constantFrom('1', '01', '24', '2-rootless')), { minLength: 1, maxLength: 4 }), { nil: undefined }),
  })
  .map(
    ({ v, major, minor, patch, pre, build }) =>
      `${v ? 'v' : ''}${major}.${minor}.${patch}${pre ? `-${pre.join('.')}` : ''}${build ? `+${build.join('.')}` : ''}`,
  );

describe('the order on recipe versions', () => {
  it('is antisymmetric, and 0 only for identical strings', () => {
    fc.assert(
      fc.property(versionTag, versionTag, (a, b) => {
        const ab = compareRecipeVersions(a, b);
        expect(compareRecipeVersions(b, a)).toBe(-ab || 0);
        expect(ab === 0).toBe(a === b);
      }),
      { numRuns: 2000 },
    );
  });

  it('is transitive', () => {
    fc.assert(
      fc.property(versionTag, versionTag, versionTag, (a, b, c) => {
        if (compareRecipeVersions(a, b) <= 0 && compareRecipeVersions(b, c) <= 0) {
          expect(compareRecipeVersions(a, c)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('sorts to the same sequence whatever the input order', () => {
    fc.assert(
      fc.property(fc.array(versionTag, { maxLength: 30 }), fc.integer(), (tags, seed) => {
        const shuffled = [...tags].sort((x, y) => ((x.length * seed) % 7) - ((y.length * seed) % 7));
        expect([...shuffled].sort(compareRecipeVersions)).toEqual([...tags].sort(compareRecipeVersions));
      }),
      { numRuns: 300 },
    );
  });

  it('gives an upgrade base strictly older than the version, and the newest such', () => {
    fc.assert(
      fc.property(fc.array(versionTag, { maxLength: 20 }), versionTag, (tags, target) => {
        const base = upgradeBase(tags, target);
        const older = tags.filter((t) => isReleaseTag(t) && compareRecipeVersions(t, target) < 0);
        if (base === null) {
          expect(older).toEqual([]);
        } else {
          expect(compareRecipeVersions(base, target)).toBe(-1);
          for (const t of older) expect(compareRecipeVersions(t, base)).toBeLessThanOrEqual(0);
        }
      }),
      { numRuns: 500 },
    );
  });
});
