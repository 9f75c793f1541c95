import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, type TagRef } from '@canon/trigger';
import { C1, C2, C3, C4, C5, input, NOW, verdict, withVerdicts } from './testing/decision-input.js';

const ladder: TagRef[] = [
  { name: '3.5.3+1.24.2', commit: C1 },
  { name: '3.6.0+1.24.2', commit: C2 },
  { name: '3.7.0+1.24.2', commit: C3 },
  { name: '4.0.0+2.0.0', commit: C4 },
];
const HOLD = { major: true, appMajor: false };
const at = (version: string, commit: string): DecisionInput['canonical'] => ({ version, commit });
const block = (version: string, reason = 'breaks SSO') => ({ version, reason });
const base = (over: Partial<DecisionInput> = {}): DecisionInput =>
  input({ tags: ladder, canonical: at('3.5.3+1.24.2', C1), hold: HOLD, now: NOW, ...over });

describe('the candidate (SPEC "Decision")', () => {
  it.each<[string, Partial<DecisionInput>, string, string, string | null, RegExp]>([
    ['held newest → the newest unheld release runs', {}, 'run', 'new-release', '3.7.0+1.24.2',
      /^3\.5\.3\+1\.24\.2 → 3\.7\.0\+1\.24\.2 \(newer but not run: 4\.0\.0\+2\.0\.0 held \(recipe major 3 → 4, not approved\)\)$/],
    ['blocked newest → the newest unblocked release runs', { hold: { major: false, appMajor: false }, blocked: [block('4.0.0+2.0.0')] }, 'run', 'new-release', '3.7.0+1.24.2',
      /newer but not run: 4\.0\.0\+2\.0\.0 blocked: breaks SSO\)$/],
    ['held and blocked above → both named', { blocked: [block('3.7.0+1.24.2', 'data loss')] }, 'run', 'new-release', '3.6.0+1.24.2',
      /newer but not run: 4\.0\.0\+2\.0\.0 held \(recipe major 3 → 4, not approved\); 3\.7\.0\+1\.24\.2 blocked: data loss\)$/],
    ['held newest, candidate is the canonical → held-major', { canonical: at('3.7.0+1.24.2', C3) }, 'skip', 'held-major', '4.0.0+2.0.0',
      /4\.0\.0\+2\.0\.0 is a held major \(recipe major 3 → 4\); nothing newer than the canonical 3\.7\.0\+1\.24\.2 may run; approve it with `canon approve --recipe gitea --version 4\.0\.0\+2\.0\.0 --reason <why>`/],
    ['blocked newest, candidate is the canonical → blocked', { canonical: at('3.7.0+1.24.2', C3), blocked: [block('4.0.0+2.0.0')] }, 'skip', 'blocked', '4.0.0+2.0.0',
      /^4\.0\.0\+2\.0\.0 is blocked: breaks SSO; nothing newer than the canonical 3\.7\.0\+1\.24\.2 may run$/],
    ['held newest, everything newer than the canonical excluded → held-major', { blocked: [block('3.6.0+1.24.2'), block('3.7.0+1.24.2')] }, 'skip', 'held-major', '4.0.0+2.0.0', /held major/],
    ['blocked newest, no canonical → blocked, no fallback', { canonical: null, blocked: [block('4.0.0+2.0.0')] }, 'skip', 'blocked', '4.0.0+2.0.0', /^4\.0\.0\+2\.0\.0 is blocked: breaks SSO$/],
    ['no canonical → nothing is held, the newest seeds', { canonical: null }, 'run', 'seed', '4.0.0+2.0.0', /seeding 4\.0\.0/],
    ['canonical not a version, blocked newest → blocked, no fallback', { canonical: at('main', C1), blocked: [block('4.0.0+2.0.0')] }, 'skip', 'blocked', '4.0.0+2.0.0', /is blocked/],
    ['canonical not a version → nothing is held', { canonical: at('main', C1) }, 'run', 'new-release', '4.0.0+2.0.0', /"main" is not a version/],
    ['approved held newest → runs, approved', { approvals: [{ version: '4.0.0+2.0.0', expires: '2026-12-31' }] }, 'run', 'new-release', '4.0.0+2.0.0',
      /^3\.5\.3\+1\.24\.2 → 4\.0\.0\+2\.0\.0 \(approved major: recipe major 3 → 4\)$/],
    ['approval expired → still held', { approvals: [{ version: '4.0.0+2.0.0', expires: '2026-11-30' }] }, 'run', 'new-release', '3.7.0+1.24.2', /4\.0\.0\+2\.0\.0 held/],
    ['approval for another version → still held', { approvals: [{ version: '4.0.1+2.0.0' }] }, 'run', 'new-release', '3.7.0+1.24.2', /4\.0\.0\+2\.0\.0 held/],
    ['candidate forced', { force: true }, 'run', 'forced', '3.7.0+1.24.2', /^--force: testing 3\.7\.0\+1\.24\.2 \(newer but not run: 4\.0\.0/],
    ['candidate and an earlier tier unhealthy → infra-degraded', { infraDegraded: [{ recipe: 'traefik', reason: 'down' }] }, 'skip', 'infra-degraded', '3.7.0+1.24.2', /traefik/],
    ['candidate on a protected warm domain → protected-domain', { protectedDomain: true }, 'skip', 'protected-domain', '3.7.0+1.24.2', /3\.7\.0\+1\.24\.2 is not tested/],
  ])('%s', (_name, over, action, reason, latest, detail) => {
    const d = decide(base(over));
    expect({ action: d.action, reason: d.reason, latest: d.latest?.name ?? null }).toEqual({ action, reason, latest });
    expect(d.detail).toMatch(detail);
  });

  it('counts an approval with an expiry only when it knows the time', () => {
    const approvals = [{ version: '4.0.0+2.0.0', expires: '2026-12-31' }];
    const { now: _now, ...noClock } = base({ approvals });
    expect(decide(noClock).latest?.name).toBe('3.7.0+1.24.2');
    expect(decide({ ...noClock, approvals: [{ version: '4.0.0+2.0.0' }] }).latest?.name).toBe('4.0.0+2.0.0');
  });

  it('applies the rows below to the candidate: its own known failure skips it', () => {
    const d = decide(withVerdicts([verdict({ version: '3.7.0+1.24.2', commit: C3 })], { tags: ladder, canonical: at('3.5.3+1.24.2', C1), hold: HOLD }));
    expect(d).toMatchObject({ action: 'skip', reason: 'known-failed', latest: { name: '3.7.0+1.24.2' } });
    expect(d.detail).toMatch(/^3\.7\.0\+1\.24\.2 is a known failure/);
  });

  it('a known failure of the held newest release does not stop its candidate', () => {
    const d = decide(withVerdicts([verdict({ version: '4.0.0+2.0.0', commit: C4 })], { tags: ladder, canonical: at('3.5.3+1.24.2', C1), hold: HOLD }));
    expect(d).toMatchObject({ action: 'run', reason: 'new-release', latest: { name: '3.7.0+1.24.2', version: '3.7.0+1.24.2' } });
  });

  it('compares versions, not tag names: a v-prefixed candidate equal to the canonical is not newer', () => {
    const vTags = [{ name: 'v3.7.0', commit: C3 }, { name: 'v4.0.0', commit: C4 }];
    expect(decide(input({ tags: vTags, canonical: at('3.7.0', C3), hold: HOLD })).reason).toBe('held-major');
    const d = decide(input({ tags: [...vTags, { name: 'v3.5.3', commit: C1 }], canonical: at('3.5.3', C1), hold: HOLD }));
    expect(d).toMatchObject({ reason: 'new-release', latest: { name: 'v3.7.0', version: '3.7.0' } });
  });

  it('matches approvals and blocks on the version whether or not either side has the leading v', () => {
    const vTags = [{ name: 'v3.5.3', commit: C1 }, { name: 'v4.0.0', commit: C4 }];
    expect(decide(input({ tags: vTags, canonical: at('3.5.3', C1), hold: HOLD, approvals: [{ version: '4.0.0' }] })).reason).toBe('new-release');
    expect(decide(input({ tags: vTags, canonical: at('3.5.3', C1), hold: HOLD, approvals: [{ version: 'v4.0.0' }] })).reason).toBe('new-release');
    expect(decide(input({ tags: vTags, canonical: at('3.5.3', C1), blocked: [block('v4.0.0')] })).reason).toBe('blocked');
  });

  it.each<[string, string, boolean, string]>([
    ['an app major bump is held with appMajor', '3.6.0+2.0.0', true, 'held-major'],
    ['an app major bump runs without appMajor', '3.6.0+2.0.0', false, 'new-release'],
    ['a v-prefixed app version counts by its number', '3.6.0+v2027.1.0', true, 'held-major'],
    ['an app minor bump is never held', '3.6.0+1.25.0', true, 'new-release'],
  ])('%s', (_name, next, appMajor, reason) => {
    const over = {
      tags: [{ name: '3.5.3+1.24.2', commit: C1 }, { name: next, commit: C5 }],
      canonical: at('3.5.3+1.24.2', C1),
      hold: { major: false, appMajor },
    };
    const app = next.includes('v2027') ? { canonical: at('3.5.3+v2026.5.1', C1) } : {};
    expect(decide(input({ ...over, ...app })).reason).toBe(reason);
  });
});
