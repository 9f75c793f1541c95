import { describe, expect, it } from 'vitest';
import { appMajorOf, approvalFor, describeBumps, heldBy, isExpired, isHeldMajor, parseRecipeVersion, type MajorBump } from '@canon/trigger';
import { NOW } from './testing/decision-input.js';

const parsed = (tag: string) => {
  const p = parseRecipeVersion(tag);
  if (!p.ok) throw new Error(p.reason);
  return p.version;
};
const BOTH = { major: true, appMajor: true };

describe('heldBy', () => {
  it.each<[string, string | null, { major: boolean; appMajor: boolean }, MajorBump[]]>([
    ['4.0.0+1.25.0', '3.9.9+1.24.2', BOTH, [{ kind: 'major', from: 3, to: 4 }]],
    ['4.0.0+2.0.0', '3.9.9+1.24.2', BOTH, [{ kind: 'major', from: 3, to: 4 }, { kind: 'app-major', from: 1, to: 2 }]],
    ['3.6.0+2.0.0', '3.5.3+1.24.2-rootless', BOTH, [{ kind: 'app-major', from: 1, to: 2 }]],
    ['3.6.0+2.0.0', '3.5.3+1.24.2-rootless', { major: true, appMajor: false }, []],
    ['4.0.0+1.25.0', '3.9.9+1.24.2', { major: false, appMajor: true }, []],
    ['0.7.0+v2027.1.0', '0.6.0+v2026.5.1', BOTH, [{ kind: 'app-major', from: 2026, to: 2027 }]],
    ['3.6.0+1.25.0', '3.5.3+1.24.2', BOTH, []],
    ['3.0.0+1.0.0', '4.0.0+2.0.0', BOTH, []],
    ['3.6.0', '3.5.3+1.24.2', BOTH, []],
    ['3.6.0+rootless', '3.5.3+1.24.2', BOTH, []],
    ['v4.0.0', '3.5.3', BOTH, [{ kind: 'major', from: 3, to: 4 }]],
    ['4.0.0', null, BOTH, []],
    ['4.0.0', 'main', BOTH, []],
    ['latest', '3.5.3', BOTH, []],
  ])('%s over %s', (version, canonical, policy, bumps) => {
    expect(heldBy(version, canonical, policy)).toEqual(bumps);
  });

  it('takes parsed versions as well as strings', () => {
    expect(heldBy(parsed('4.0.0'), parsed('3.0.0'), BOTH)).toEqual([{ kind: 'major', from: 3, to: 4 }]);
  });

  it('describes the bumps for a person', () => {
    expect(describeBumps(heldBy('4.0.0+2.0.0', '3.9.9+1.24.2', BOTH))).toBe('recipe major 3 → 4, app major 1 → 2');
  });
});

describe('appMajorOf', () => {
  it.each<[string, number | null]>([
    ['3.6.0+1.24.2-rootless', 1],
    ['1.4.0+6.45.0-alpine', 6],
    ['0.6.0+v2026.5.1', 2026],
    ['1.0.0+2-rootless', 2],
    ['1.0.0+rootless', null],
    ['1.0.0', null],
  ])('%s → %s', (tag, major) => {
    expect(appMajorOf(parsed(tag))).toBe(major);
  });
});

describe('approvals and expiry', () => {
  it.each<[string, string, Date, boolean]>([
    ['a date lasts to the end of that UTC day', '2026-12-01', NOW, false],
    ['the day after a date it has expired', '2026-11-30', NOW, true],
    ['a timestamp lasts until that instant', '2026-12-01T21:00:01Z', NOW, false],
    ['at that instant it has expired', '2026-12-01T21:00:00Z', NOW, true],
    ['not a date counts as expired', 'next tuesday', NOW, true],
  ])('%s', (_name, expires, now, expired) => {
    expect(isExpired(expires, now)).toBe(expired);
  });

  it.each<[string, { version: string; expires?: string }[], Date | null, boolean]>([
    ['an approval for exactly that version', [{ version: '4.0.0+2.0.0' }], NOW, true],
    ['a leading v on either side does not matter', [{ version: 'v4.0.0+2.0.0' }], NOW, true],
    ['another build is another version', [{ version: '4.0.0+2.0.1' }], NOW, false],
    ['an unexpired one', [{ version: '4.0.0+2.0.0', expires: '2026-12-02' }], NOW, true],
    ['an expired one does not count', [{ version: '4.0.0+2.0.0', expires: '2026-11-02' }], NOW, false],
    ['with an expiry and no clock it does not count', [{ version: '4.0.0+2.0.0', expires: '2026-12-02' }], null, false],
  ])('approvalFor: %s', (_name, approvals, now, found) => {
    expect(approvalFor('4.0.0+2.0.0', approvals, now) !== null).toBe(found);
  });

  it.each<[string, { version: string; expires?: string }[], string, boolean]>([
    ['held and not approved: pending approval', [], '3.9.0', true],
    ['held and approved', [{ version: '4.0.0+2.0.0' }], '3.9.0', false],
    ['not a major bump', [], '4.0.0+1.0.0', false],
  ])('isHeldMajor: %s', (_name, approvals, canonical, held) => {
    expect(isHeldMajor({ version: '4.0.0+2.0.0', canonical, hold: { major: true, appMajor: false }, approvals, now: NOW })).toBe(held);
  });
});
