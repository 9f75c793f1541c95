import { describe, expect, it } from 'vitest';
import { findKnownFailure, isFinalVerdict, pendingRecheck, waiverFor, type VerdictKey } from '@canon/trigger';
import { C2, C3, NOW, verdict } from './testing/decision-input.js';

describe('isFinalVerdict: exactly SPEC\'s list', () => {
  it.each<[string, string | null, boolean]>([
    ['FAILED', null, true],
    ['FAILED', 'exit 1', true],
    ['FAILED', 'flaky', true],
    ['TIMED-OUT', null, true],
    ['TIMED-OUT', 'timed-out', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'deploy-failed', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'deploy-failed (exit 3)', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'unhealthy', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'unhealthy: https://warm-gitea.example/: 502', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'verify-failed', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'verify-mismatch', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'snapshot-failed', true],
    ['GREEN-BUT-PROMOTE-FAILED', 'park-failed', true],
    ['GREEN-BUT-PROMOTE-FAILED', null, false],
    ['GREEN-BUT-PROMOTE-FAILED', 'busy', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'app-locked', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'domain-in-use', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'protected-domain', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'older-than-canonical', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'backup-failed', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'record-write-failed', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'disk-full', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'disk-read-only', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'teardown-failed', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'interrupted', false],
    ['GREEN-BUT-PROMOTE-FAILED', 'not-configured', false],
    ['FAILED', 'backup-failed', false],
    ['FAILED', 'disk-full', false],
    ['TIMED-OUT', 'disk-read-only', false],
    ['TIMED-OUT', 'record-write-failed: EROFS', false],
    ['SYNC-FAILED', null, false],
    ['SYNC-FAILED', 'push', false],
    ['ERROR', null, false],
    ['ERROR', 'suite-revision', false],
    ['ERROR', 'suite-revision-mismatch', false],
    ['SKIPPED', 'busy', false],
    ['PROMOTED', null, false],
  ])('%s (%s) → %s', (outcome, reason, final) => {
    expect(isFinalVerdict(outcome, reason)).toBe(final);
  });
});

describe('findKnownFailure', () => {
  const key: VerdictKey = { version: '3.6.0+1.24.2-rootless', commit: C2, suiteRev: 'S1', promoteRev: 'P1' };
  const gbpf = verdict({ outcome: 'GREEN-BUT-PROMOTE-FAILED', reason: 'deploy-failed' });

  it.each<[string, Parameters<typeof findKnownFailure>[0], Partial<VerdictKey>, string | null]>([
    ['a red for the key', [verdict({ runId: 'R1' })], {}, 'R1'],
    ['a red under another promote revision still stands', [verdict({ runId: 'R1' })], { promoteRev: 'P9' }, 'R1'],
    ['a red under another suite revision does not', [verdict()], { suiteRev: 'S9' }, null],
    ['a red of another commit does not', [verdict()], { commit: C3 }, null],
    ['a red of another version does not', [verdict()], { version: '3.6.1' }, null],
    ['a promote failure under the same promote revision', [{ ...gbpf, runId: 'R2' }], {}, 'R2'],
    ['a promote failure under another promote revision does not', [gbpf], { promoteRev: 'P9' }, null],
    ['the last line wins', [verdict({ runId: 'R1' }), verdict({ runId: 'R2', outcome: 'TIMED-OUT' })], {}, 'R2'],
    ['the last line wins over a final one', [verdict(), verdict({ outcome: 'PROMOTED', final: false })], {}, null],
    ['a later promote failure under another promote revision hides an earlier red', [verdict(), { ...gbpf, key: { ...gbpf.key, promoteRev: 'P0' } }], {}, null],
    ['lines of other keys do not interfere', [verdict({ runId: 'R1' }), verdict({ commit: C3, outcome: 'PROMOTED', final: false })], {}, 'R1'],
  ])('%s', (_name, lines, over, runId) => {
    expect(findKnownFailure(lines, { ...key, ...over })?.runId ?? null).toBe(runId);
  });
});

describe('waiverFor and pendingRecheck', () => {
  const w = (over: object = {}) => ({ version: '1.0.0', reason: 'r', expires: '2026-12-31', ...over });
  it.each<[string, ReturnType<typeof w>[], Date | null, boolean, number]>([
    ['an unexpired waiver for the version', [w()], NOW, true, 0],
    ['for the version and commit', [w({ commit: C2 })], NOW, true, 0],
    ['for another commit', [w({ commit: C3 })], NOW, false, 0],
    ['an expired one is reported', [w({ expires: '2026-11-01' })], NOW, false, 1],
    ['an unexpired one beside an expired one', [w({ expires: '2026-11-01' }), w()], NOW, true, 1],
    ['without a clock none counts', [w()], null, false, 1],
  ])('%s', (_name, waivers, now, found, expired) => {
    const out = waiverFor(waivers, { version: 'v1.0.0', commit: C2 }, now);
    expect(out.waiver !== null).toBe(found);
    expect(out.expired).toHaveLength(expired);
  });

  it('counts only a recheck newer than every verdict of the recipe', () => {
    const lines = [verdict({ ts: '2026-11-20T00:00:00Z' }), verdict({ ts: '2026-11-25T00:00:00Z', version: '0.1.0' })];
    expect(pendingRecheck([{ ts: '2026-11-22T00:00:00Z' }], lines, '3.6.0+1.24.2-rootless')).toBeNull();
    expect(pendingRecheck([{ ts: '2026-11-26T00:00:00Z' }], lines, '3.6.0+1.24.2-rootless')).toEqual({ ts: '2026-11-26T00:00:00Z' });
    expect(pendingRecheck([{ ts: 'yesterday' }], [], '1.0.0')).toBeNull();
    expect(pendingRecheck([{ ts: '2026-11-26T00:00:00Z' }], [verdict({ ts: 'garbled' })], '1.0.0')).not.toBeNull();
  });
});
