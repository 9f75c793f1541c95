import { describe, expect, it } from 'vitest';
import { decide, type DecisionInput, type VerdictInput, type VerdictLine } from '@canon/trigger';
import { C2, C3, C4, DAY_MS, daysAgo, NOW, tags, verdict, withVerdicts } from './testing/decision-input.js';

const red = verdict();
const promoteFailed = verdict({ outcome: 'GREEN-BUT-PROMOTE-FAILED', reason: 'unhealthy' });
const later = (days: number): Date => new Date(NOW.getTime() + days * DAY_MS);

type Case = [string, VerdictLine[], Partial<DecisionInput>, Partial<VerdictInput>, string];

describe('known-failed and every way out (SPEC "Verdicts")', () => {
  it.each<Case>([
    ['a red under the same suite stays known-failed', [red], {}, {}, 'known-failed'],
    ['a newer release', [red], { tags: [...tags, { name: '3.7.0+1.24.2-rootless', commit: C4 }] }, {}, 'new-release'],
    ['the tag moves', [red], { tags: [{ name: '3.6.0+1.24.2-rootless', commit: C3 }] }, {}, 'new-release'],
    ['the suite settings change', [red], {}, { suiteRev: 'S2' }, 'new-release'],
    ['the promote settings change: a red stays known-failed', [red], {}, { promoteRev: 'P2' }, 'known-failed'],
    ['the promote settings change: a promote failure is re-tried', [promoteFailed], {}, { promoteRev: 'P2' }, 'new-release'],
    ['a promote failure under the same settings stays known-failed', [promoteFailed], {}, {}, 'known-failed'],
    ['a recheck newer than the last verdict', [red], {}, { rechecks: [{ ts: daysAgo(1) }] }, 'new-release'],
    ['a recheck naming this version', [red], {}, { rechecks: [{ ts: daysAgo(1), version: '3.6.0+1.24.2-rootless' }] }, 'new-release'],
    ['a recheck naming another version does not lift it', [red], {}, { rechecks: [{ ts: daysAgo(1), version: '3.5.3+1.24.2-rootless' }] }, 'known-failed'],
    ['a recheck used up by a later verdict of the recipe', [red, verdict({ version: '3.5.3+1.24.2-rootless', ts: daysAgo(1), outcome: 'SYNC-FAILED', final: false })], {}, { rechecks: [{ ts: daysAgo(2) }] }, 'known-failed'],
    ['a recheck older than the verdict is used up', [red], {}, { rechecks: [{ ts: daysAgo(4) }] }, 'known-failed'],
    ['recheckAfterDays (default 28) elapsed', [red], { now: later(25) }, {}, 'new-release'],
    ['recheckAfterDays not yet elapsed', [red], { now: later(24) }, {}, 'known-failed'],
    ['a shorter recheckAfterDays elapsed', [red], {}, { recheckAfterDays: 3 }, 'new-release'],
    ['--force', [red], { force: true }, {}, 'forced'],
    ['a matching waiver', [red], {}, { waivers: [{ version: '3.6.0+1.24.2-rootless', reason: 'upstream bug', expires: '2026-12-31' }] }, 'new-release'],
    ['a waiver for this version and commit', [red], {}, { waivers: [{ version: '3.6.0+1.24.2-rootless', commit: C2, reason: 'r', expires: '2026-12-31' }] }, 'new-release'],
    ['a waiver for another commit', [red], {}, { waivers: [{ version: '3.6.0+1.24.2-rootless', commit: C3, reason: 'r', expires: '2026-12-31' }] }, 'known-failed'],
    ['a waiver for another version', [red], {}, { waivers: [{ version: '3.5.3+1.24.2-rootless', reason: 'r', expires: '2026-12-31' }] }, 'known-failed'],
    ['an expired waiver', [red], {}, { waivers: [{ version: '3.6.0+1.24.2-rootless', reason: 'r', expires: '2026-11-30' }] }, 'known-failed'],
    ['the last line for the key wins: a later non-final verdict retries', [red, verdict({ ts: daysAgo(1), outcome: 'ERROR', final: false, reason: 'suite-revision' })], {}, {}, 'new-release'],
    ['the last line for the key wins: a later red is known-failed again', [verdict({ outcome: 'ERROR', final: false }), red], {}, {}, 'known-failed'],
    ['a non-final outcome retries', [verdict({ outcome: 'SYNC-FAILED', final: false, reason: null })], {}, {}, 'new-release'],
    ['a line its writer did not mark final retries', [verdict({ final: false })], {}, {}, 'new-release'],
    ['no verdict lines', [], {}, {}, 'new-release'],
  ])('%s', (_name, lines, over, v, reason) => {
    expect(decide(withVerdicts(lines, over, v)).reason).toBe(reason);
  });

  it('names the outcome, run id and age, and every way out', () => {
    const d = decide(withVerdicts([verdict({ outcome: 'TIMED-OUT', reason: null, runId: '20261128T030000Z' })]));
    expect(d).toMatchObject({ action: 'skip', reason: 'known-failed', latest: { name: '3.6.0+1.24.2-rootless' } });
    expect(d.detail).toBe(
      '3.6.0+1.24.2-rootless is a known failure: TIMED-OUT in run 20261128T030000Z, 3 days ago; re-tested on a newer ' +
        'release, a moved tag, changed suite or promote settings, `canon recheck --recipe gitea`, a waiver, after ' +
        'recheckAfterDays (28, in 25 days) or with `--force --recipe gitea`',
    );
  });

  it.each<[string, Partial<VerdictInput>, Partial<DecisionInput>, RegExp]>([
    ['recheck', { rechecks: [{ ts: '2026-11-30T10:00:00.000Z' }] }, {}, /\(known failure FAILED \(exit 1\) in run R1, 3 days ago; recheck requested 2026-11-30T10:00:00\.000Z\)$/],
    ['waiver', { waivers: [{ version: '3.6.0+1.24.2-rootless', reason: 'upstream bug', expires: '2026-12-31' }] }, {}, /; waived: upstream bug\)$/],
    ['age', {}, { now: later(25) }, /in run R1, 28 days ago; recheckAfterDays \(28\) elapsed\)$/],
  ])('says in the run\'s detail what lifted the known failure: %s', (_name, v, over, detail) => {
    const d = decide(withVerdicts([red], over, v));
    expect(d).toMatchObject({ action: 'run', reason: 'new-release' });
    expect(d.detail).toMatch(/^3\.5\.3\+1\.24\.2-rootless → 3\.6\.0\+1\.24\.2-rootless \(known failure/);
    expect(d.detail).toMatch(detail);
  });

  it.each<[number, string]>([
    [5 * 3_600_000, '5 hours ago'],
    [3_600_000, '1 hour ago'],
    [60_000, '1 minute ago'],
    [0, '0 minutes ago'],
  ])('tells an age of %i ms as %s', (ms, age) => {
    const d = decide(withVerdicts([verdict({ ts: new Date(NOW.getTime() - ms).toISOString() })]));
    expect(d.detail).toContain(`in run R1, ${age};`);
  });

  it('warns about an expired waiver for the failed key, and stays known-failed', () => {
    const waivers = [{ version: '3.6.0+1.24.2-rootless', reason: 'r', expires: '2026-11-30' }];
    const d = decide(withVerdicts([red], {}, { waivers }));
    expect(d.reason).toBe('known-failed');
    expect(d.warnings).toEqual(['waiver for 3.6.0+1.24.2-rootless (expires 2026-11-30) has expired and is ignored']);
  });

  it('without a clock: age unknown, no age elapses and no waiver counts', () => {
    const { now: _now, ...noClock } = withVerdicts([verdict({ ts: daysAgo(400) })], {}, {
      waivers: [{ version: '3.6.0+1.24.2-rootless', reason: 'r', expires: '2099-01-01' }],
    });
    const d = decide(noClock);
    expect(d.reason).toBe('known-failed');
    expect(d.detail).toContain('in run R1, age unknown;');
    expect(d.detail).toContain('after recheckAfterDays (28) or');
  });

  it('carries a lifted known failure into the seed, tag-moved and non-version rows', () => {
    const recheck = { rechecks: [{ ts: daysAgo(1) }] };
    expect(decide(withVerdicts([red], { canonical: null }, recheck)).detail).toMatch(/^no canonical yet; seeding 3\.6\.0\+1\.24\.2-rootless \(known failure .*recheck requested/);
    const moved = decide(withVerdicts([red], { canonical: { version: '3.6.0+1.24.2-rootless', commit: C3 } }, recheck));
    expect(moved).toMatchObject({ reason: 'tag-moved' });
    expect(moved.detail).toMatch(/^tag 3\.6\.0\+1\.24\.2-rootless moved: .* \(known failure .*recheck requested/);
    const odd = decide(withVerdicts([red], { canonical: { version: 'main', commit: C3 } }, recheck));
    expect(odd.detail).toMatch(/^canonical "main" is not a version; testing 3\.6\.0\+1\.24\.2-rootless \(known failure/);
  });

  it('keeps an expired waiver\'s warning on the rows below a lifted known failure', () => {
    const v = { rechecks: [{ ts: daysAgo(1) }], waivers: [{ version: '3.6.0+1.24.2-rootless', reason: 'r', expires: '2026-11-30' }] };
    for (const over of [{}, { canonical: { version: '9.0.0', commit: C3 } }, { canonical: { version: '3.6.0+1.24.2-rootless', commit: C2 } }]) {
      expect(decide(withVerdicts([red], over, v)).warnings[0]).toMatch(/^waiver for 3\.6\.0\+1\.24\.2-rootless .* has expired/);
    }
  });

  it('matches a verdict recorded without the leading v to a v-prefixed tag', () => {
    const d = decide(withVerdicts([verdict({ version: '1.0.0' })], { tags: [{ name: 'v1.0.0', commit: C2 }], canonical: null }));
    expect(d.reason).toBe('known-failed');
  });
});
