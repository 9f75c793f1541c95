import { describe, expect, it } from 'vitest';
import { chooseUpgradeBase } from './upgrade-base.js';

const tags = ['1.0.0+1', '1.1.0+1', '1.2.0+1', '2.0.0+1', 'latest'];

describe('chooseUpgradeBase', () => {
  it.each([
    { canonical: '1.0.0+1', tested: '2.0.0+1', base: '1.0.0+1', why: 'the last known-good, not the newer 1.2.0 that failed' },
    { canonical: null, tested: '2.0.0+1', base: '1.2.0+1', why: 'no canonical: newest older release' },
    { canonical: '2.0.0+1', tested: '2.0.0+1', base: '1.2.0+1', why: 'tag moved: canonical not older' },
    { canonical: null, tested: '1.0.0+1', base: null, why: 'nothing older' },
    { canonical: '1.14.1-rootless_1', tested: '2.0.0+1', base: '1.2.0+1', why: 'unorderable legacy canonical' },
  ])('$why', ({ canonical, tested, base }) => {
    expect(chooseUpgradeBase(canonical, tags, tested, false)).toBe(base);
  });
});
