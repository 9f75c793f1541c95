import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput } from '@canon/trigger';
import { C1, C2, C3, C4, input, NOW, tags, verdict, withVerdicts } from './testing/decision-input.js';

const GIB = 1024 ** 3;
const major4 = [...tags, { name: '4.0.0+1.25.0-rootless', commit: C4 }];
const atCanonical = { canonical: { version: '3.6.0+1.24.2-rootless', commit: C2 } };

describe('decide: every row of the table', () => {
  it.each<[string, Partial<DecisionInput>, 'run' | 'skip', string, RegExp]>([
    ['not enrolled', { enrolled: false, notEnrolledReason: 'warm domain is the live OIDC provider' }, 'skip', 'not-enrolled', /live OIDC provider/],
    ['not enrolled, no reason given', { enrolled: false }, 'skip', 'not-enrolled', /not enrolled/],
    ['no release tag', { tags: [{ name: 'latest', commit: C1 }] }, 'skip', 'never-released', /none a release/],
    ['no tags at all', { tags: [] }, 'skip', 'never-released', /no tags/],
    ['busy', { busy: true, force: true }, 'skip', 'busy', /another CI run/],
    ['forced', { force: true, canonical: { version: '3.6.0+1.24.2-rootless', commit: C2 } }, 'run', 'forced', /--force/],
    ['blocked', { blocked: [{ version: '3.6.0+1.24.2-rootless', reason: 'breaks SSO' }] }, 'skip', 'blocked', /blocked: breaks SSO/],
    ['infra-degraded', { infraDegraded: [{ recipe: 'traefik', reason: 'health 502' }] }, 'skip', 'infra-degraded', /earlier tier ended unhealthy: traefik \(health 502\)/],
    ['held major', { tags: major4, ...atCanonical, hold: { major: true, appMajor: false } }, 'skip', 'held-major', /held major \(recipe major 3 → 4\).*`canon approve --recipe gitea --version 4\.0\.0\+1\.25\.0-rootless --reason <why>`/],
    ['protected domain, no canonical', { canonical: null, protectedDomain: true }, 'skip', 'protected-domain', /warm domain is protected.*record what runs there with `canon adopt`/],
    ['live mode, no canonical', { canonical: null, promoteMode: 'live' }, 'skip', 'protected-domain', /promote\.mode is live.*`canon adopt --recipe gitea --version 3\.6\.0/],
    ['protected domain, advance, warm mode', { protectedDomain: true }, 'skip', 'protected-domain', /protected and promote\.mode is not live: 3\.6\.0\+1\.24\.2-rootless is not tested/],
    ['disk budget, no canonical', { canonical: null, disk: { usedBytes: 210 * GIB, budgetBytes: 200 * GIB } }, 'skip', 'disk-budget', /210\.0 GiB \/ 200\.0 GiB/],
    ['known failed', withVerdicts([verdict()]), 'skip', 'known-failed', /known failure: FAILED \(exit 1\) in run R1, 3 days ago/],
    ['seed', { canonical: null }, 'run', 'seed', /seeding 3\.6\.0/],
    ['new release', {}, 'run', 'new-release', /3\.5\.3\+1\.24\.2-rootless → 3\.6\.0/],
    ['new release, approved major', { tags: major4, hold: { major: true, appMajor: false }, approvals: [{ version: '4.0.0+1.25.0-rootless' }] }, 'run', 'new-release', /→ 4\.0\.0\+1\.25\.0-rootless \(approved major: recipe major 3 → 4\)/],
    ['protected domain, advance, live mode', { protectedDomain: true, promoteMode: 'live' }, 'run', 'new-release', /→ 3\.6\.0/],
    ['disk over budget, advance', { disk: { usedBytes: 210 * GIB, budgetBytes: 200 * GIB } }, 'run', 'new-release', /→ 3\.6\.0/],
    ['disk exactly at budget, no canonical', { canonical: null, disk: { usedBytes: 200 * GIB, budgetBytes: 200 * GIB } }, 'run', 'seed', /seeding/],
    ['tag moved', { canonical: { version: '3.6.0+1.24.2-rootless', commit: C3 } }, 'run', 'tag-moved', /moved: cccccccccccc → bbbbbbbbbbbb/],
    ['no new version', { canonical: { version: '3.6.0+1.24.2-rootless', commit: C2 } }, 'skip', 'no-new-version', /already canonical/],
    ['canonical ahead', { canonical: { version: '4.0.0+1.25.0-rootless', commit: C3 } }, 'skip', 'canonical-ahead', /newer than the newest tag/],
  ])('%s', (_name, over, action, reason, detail) => {
    const d = decide(input(over));
    expect(d.action).toBe(action);
    expect(d.reason).toBe(reason);
    expect(d.detail).toMatch(detail);
  });

  it('takes the first row that applies: not-enrolled beats force and busy', () => {
    expect(decide(input({ enrolled: false, busy: true, force: true })).reason).toBe('not-enrolled');
  });

  it('force does not override a block-free never-released recipe', () => {
    expect(decide(input({ force: true, tags: [] })).reason).toBe('never-released');
  });

  it('force never overrides a block (SPEC: `--force` never overrides a safety row above it)', () => {
    const d = decide(input({ force: true, canonical: null, blocked: [{ version: '3.6.0+1.24.2-rootless', reason: 'x' }] }));
    expect(d).toMatchObject({ action: 'skip', reason: 'blocked' });
  });

  it('matches a block written without the leading v', () => {
    const d = decide(input({ tags: [{ name: 'v2.0.0', commit: C1 }], canonical: null, blocked: [{ version: '2.0.0', reason: 'r' }] }));
    expect(d.reason).toBe('blocked');
  });

  it('only blocks the version named', () => {
    const d = decide(input({ blocked: [{ version: '3.5.3+1.24.2-rootless', reason: 'old' }] }));
    expect(d.reason).toBe('new-release');
  });

  it('warns on tag-moved and canonical-ahead', () => {
    expect(decide(input({ canonical: { version: '3.6.0+1.24.2-rootless', commit: C3 } })).warnings).toEqual([
      'tag 3.6.0+1.24.2-rootless moved: cccccccccccc → bbbbbbbbbbbb',
    ]);
    expect(decide(input({ canonical: { version: '9.0.0', commit: C3 } })).warnings[0]).toMatch(/ahead of upstream/);
  });

  it('runs the newest tag with its own commit, and reports the ignored tags', () => {
    const d = decide(input());
    expect(d.latest).toEqual({
      name: '3.6.0+1.24.2-rootless',
      commit: C2,
      version: '3.6.0+1.24.2-rootless',
      parsed: { raw: '3.6.0+1.24.2-rootless', major: 3, minor: 6, patch: 0, prerelease: [], build: ['1', '24', '2-rootless'] },
    });
    expect(d.canonical).toBe('3.5.3+1.24.2-rootless');
    expect(d.ignored).toEqual([{ name: '1.14.1-rootless_1', reason: expect.any(String) }]);
  });

  it('never runs for untagged commits: the same tags decide the same whatever main is', () => {
    // decide has no input for branch heads; a new commit on main changes nothing it sees.
    const before = decide(input({ canonical: { version: '3.6.0+1.24.2-rootless', commit: C2 } }));
    expect(before).toMatchObject({ action: 'skip', reason: 'no-new-version' });
  });

  it('ignores prereleases unless the config includes them', () => {
    const pre = [...tags, { name: '4.0.0-rc.1+1.25.0', commit: C3 }];
    expect(decide(input({ tags: pre })).latest?.name).toBe('3.6.0+1.24.2-rootless');
    expect(decide(input({ tags: pre, includePrereleases: true })).latest?.name).toBe('4.0.0-rc.1+1.25.0');
  });

  it('gives the latest release its version once: a v-prefixed tag without its "v"', () => {
    expect(decide(input({ tags: [{ name: 'v1.0.0+1', commit: C1 }], canonical: null })).latest).toMatchObject({
      name: 'v1.0.0+1', commit: C1, version: '1.0.0+1', parsed: { raw: 'v1.0.0+1', major: 1 },
    });
  });

  it('compares versions, not tag names: a v-prefixed tag recorded as its version is not new again', () => {
    const vTags = [{ name: 'v1.0.0+1', commit: C1 }];
    expect(decide(input({ tags: vTags, canonical: { version: '1.0.0+1', commit: C1 } }))).toMatchObject({
      action: 'skip',
      reason: 'no-new-version',
    });
    expect(decide(input({ tags: vTags, canonical: { version: '1.0.0+1', commit: C2 } })).reason).toBe('tag-moved');
    expect(decide(input({ tags: [{ name: '1.0.0+1', commit: C1 }], canonical: { version: 'v1.0.0+1', commit: C1 } })).reason).toBe(
      'no-new-version',
    );
  });

  it('tests the newest release rather than trust a canonical that is not a version', () => {
    const d = decide(input({ canonical: { version: 'main', commit: C1 } }));
    expect(d).toMatchObject({ action: 'run', reason: 'new-release' });
    expect(d.warnings[0]).toMatch(/"main" is not a recipe version/);
  });
});

describe('decide: first match wins between the wave-2 rows', () => {
  const degraded = { infraDegraded: [{ recipe: 'keycloak', reason: 'health 503' }] };
  const held = { tags: major4, ...atCanonical, hold: { major: true, appMajor: false } };
  const blocked4 = { blocked: [{ version: '4.0.0+1.25.0-rootless', reason: 'r' }] };
  it.each<[string, Partial<DecisionInput>, string]>([
    ['busy beats blocked', { busy: true, blocked: [{ version: '3.6.0+1.24.2-rootless', reason: 'r' }] }, 'busy'],
    ['blocked beats infra-degraded', { ...held, ...blocked4, ...degraded }, 'blocked'],
    ['infra-degraded beats held-major', { ...held, ...degraded }, 'infra-degraded'],
    ['infra-degraded beats protected-domain', { canonical: null, protectedDomain: true, ...degraded }, 'infra-degraded'],
    ['held-major beats the protected guard', { ...held, protectedDomain: true }, 'held-major'],
    ['protected-domain beats disk-budget', { canonical: null, protectedDomain: true, disk: { usedBytes: 2, budgetBytes: 1 } }, 'protected-domain'],
    ['disk-budget beats forced', { canonical: null, force: true, disk: { usedBytes: 2, budgetBytes: 1 } }, 'disk-budget'],
    ['forced beats known-failed', withVerdicts([verdict()], { force: true }), 'forced'],
    ['known-failed beats seed', withVerdicts([verdict()], { canonical: null }), 'known-failed'],
    ['known-failed beats tag-moved', withVerdicts([verdict()], { canonical: { version: '3.6.0+1.24.2-rootless', commit: C3 } }), 'known-failed'],
    ['the protected guard turns forced into a skip', { force: true, protectedDomain: true }, 'protected-domain'],
    ['the protected guard turns tag-moved into a skip', { protectedDomain: true, canonical: { version: '3.6.0+1.24.2-rootless', commit: C3 } }, 'protected-domain'],
    ['the protected guard leaves a skip alone', { protectedDomain: true, ...atCanonical }, 'no-new-version'],
  ])('%s', (_name, over, reason) => {
    expect(decide(input(over)).reason).toBe(reason);
  });

  it('keeps a moved tag\'s warning when the protected guard skips it', () => {
    const d = decide(input({ protectedDomain: true, canonical: { version: '3.6.0+1.24.2-rootless', commit: C3 } }));
    expect(d.warnings).toEqual(['tag 3.6.0+1.24.2-rootless moved: cccccccccccc → bbbbbbbbbbbb']);
  });

  it('names every unhealthy recipe of the earlier tiers', () => {
    const d = decide(input({ infraDegraded: [{ recipe: 'traefik', reason: 'a' }, { recipe: 'keycloak', reason: 'b' }] }));
    expect(d.detail).toBe('an earlier tier ended unhealthy: traefik (a), keycloak (b); not tested');
  });

  it('does not hold a major bump while hold is off, nor without a canonical', () => {
    expect(decide(input({ tags: major4, ...atCanonical })).reason).toBe('new-release');
    expect(decide(input({ tags: major4, canonical: null, hold: { major: true, appMajor: false } })).reason).toBe('seed');
  });

  it('says when nothing below a held or blocked newest release may run', () => {
    const d = decide(input({ tags: major4, ...atCanonical, hold: { major: true, appMajor: false }, now: NOW }));
    expect(d.detail).toContain('nothing newer than the canonical 3.6.0+1.24.2-rootless may run');
    expect(d.latest?.name).toBe('4.0.0+1.25.0-rootless');
  });
});

describe('decide: legacy merge-commit records', () => {
  const merge = C4;
  it.each<[string, readonly string[] | undefined, string, string]>([
    ['the tag\'s commit is a parent of the recorded merge', [C1, C2], 'skip', 'no-new-version'],
    ['the tag\'s commit is not among the parents', [C1, C3], 'run', 'tag-moved'],
    ['no parents given', undefined, 'run', 'tag-moved'],
  ])('%s', (_name, parents, action, reason) => {
    const canonical = { version: '3.6.0+1.24.2-rootless', commit: merge, ...(parents === undefined ? {} : { parents }) };
    expect(decide(input({ canonical }))).toMatchObject({ action, reason });
  });

  it('warns that the record is a merge commit counted as the tag', () => {
    const d = decide(input({ canonical: { version: '3.6.0+1.24.2-rootless', commit: merge, parents: [C2] } }));
    expect(d.detail).toBe('3.6.0+1.24.2-rootless is already canonical (legacy merge-commit record)');
    expect(d.warnings).toEqual([
      'canonical 3.6.0+1.24.2-rootless records dddddddddddd, a merge commit whose parent is the tag\'s commit ' +
        'bbbbbbbbbbbb (an old promote\'s record); counted as 3.6.0+1.24.2-rootless',
    ]);
  });
});
