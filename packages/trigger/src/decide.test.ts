import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, type TagRef } from '@canon/trigger';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);
const C3 = 'c'.repeat(40);

const tags: TagRef[] = [
  { name: '3.5.3+1.24.2-rootless', commit: C1 },
  { name: '3.6.0+1.24.2-rootless', commit: C2 },
  { name: '1.14.1-rootless_1', commit: C3 },
];

function input(over: Partial<DecisionInput> = {}): DecisionInput {
  return {
    recipe: 'gitea',
    enrolled: true,
    tags,
    canonical: { version: '3.5.3+1.24.2-rootless', commit: C1 },
    blocked: [],
    busy: false,
    force: false,
    includePrereleases: false,
    ...over,
  };
}

describe('decide: every row of the table', () => {
  it.each<[string, Partial<DecisionInput>, 'run' | 'skip', string, RegExp]>([
    ['not enrolled', { enrolled: false, notEnrolledReason: 'warm domain is the live OIDC provider' }, 'skip', 'not-enrolled', /live OIDC provider/],
    ['not enrolled, no reason given', { enrolled: false }, 'skip', 'not-enrolled', /not enrolled/],
    ['no release tag', { tags: [{ name: 'latest', commit: C1 }] }, 'skip', 'never-released', /none a release/],
    ['no tags at all', { tags: [] }, 'skip', 'never-released', /no tags/],
    ['busy', { busy: true, force: true }, 'skip', 'busy', /another CI run/],
    ['forced', { force: true, canonical: { version: '3.6.0+1.24.2-rootless', commit: C2 } }, 'run', 'forced', /--force/],
    ['blocked', { blocked: [{ version: '3.6.0+1.24.2-rootless', reason: 'breaks SSO' }] }, 'skip', 'blocked', /blocked: breaks SSO/],
    ['seed', { canonical: null }, 'run', 'seed', /seeding 3\.6\.0/],
    ['new release', {}, 'run', 'new-release', /3\.5\.3\+1\.24\.2-rootless → 3\.6\.0/],
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

  it('force overrides a block', () => {
    const d = decide(input({ force: true, blocked: [{ version: '3.6.0+1.24.2-rootless', reason: 'x' }] }));
    expect(d).toMatchObject({ action: 'run', reason: 'forced' });
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
    expect(d.latest).toEqual({ name: '3.6.0+1.24.2-rootless', commit: C2, version: '3.6.0+1.24.2-rootless' });
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
    expect(decide(input({ tags: [{ name: 'v1.0.0+1', commit: C1 }], canonical: null })).latest).toEqual({
      name: 'v1.0.0+1', commit: C1, version: '1.0.0+1',
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
