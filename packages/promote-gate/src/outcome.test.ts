import { describe, expect, it } from 'vitest';
import { deriveOutcome, evaluateGate, OUTCOMES, type OutcomeInput } from '@canon/promote-gate';

const RUN = '20261129T030000Z-1a2b';
const TAG_COMMIT = '1'.repeat(40);
const MERGE_COMMIT = '2'.repeat(40);
const OLD_COMMIT = '3'.repeat(40);
const tested = {
  version: '3.6.0+1.24.2-rootless',
  tag: '3.6.0+1.24.2-rootless',
  commit: TAG_COMMIT,
};
const before = {
  version: '3.5.3+1.24.2-rootless',
  commit: OLD_COMMIT,
  runId: '20261122T030000Z-0000',
};
const gatePass = evaluateGate({
  enrolled: true,
  exitCode: 0,
  quick: false,
  ref: null,
  tagged: true,
});

// A green run that promoted: every later case changes one thing.
const promoted: OutcomeInput = {
  runId: RUN,
  decision: { action: 'run', reason: 'new-release' },
  syncStatus: 'ok',
  error: null,
  testResult: { exitCode: 0, timedOut: false },
  gate: gatePass,
  promoteResult: { ok: true, timedOut: false, reason: null },
  tested,
  canonicalBefore: before,
  canonicalAfter: { version: tested.version, commit: TAG_COMMIT, runId: RUN },
};

describe('deriveOutcome', () => {
  it('labels PROMOTED only when the registry holds the tested version and tag commit from this run', () => {
    expect(deriveOutcome(promoted)).toEqual({
      outcome: 'PROMOTED',
      detail: '3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless at 111111111111',
    });
  });

  it('never labels a green run whose promote failed as promoted (the old system did)', () => {
    const label = deriveOutcome({
      ...promoted,
      promoteResult: { ok: false, timedOut: false, reason: 'unhealthy' },
      canonicalAfter: before,
    });
    expect(label).toEqual({
      outcome: 'GREEN-BUT-PROMOTE-FAILED',
      detail: 'promote failed: unhealthy; canonical unchanged',
    });
  });

  it('does not believe a promote that says ok when the registry disagrees', () => {
    const label = deriveOutcome({ ...promoted, canonicalAfter: before });
    expect(label.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(label.detail).toMatch(/reported success but the registry does not hold/);
  });

  it('does not count a record holding a merge commit as a promotion of the tag', () => {
    const label = deriveOutcome({
      ...promoted,
      canonicalAfter: { version: tested.version, commit: MERGE_COMMIT, runId: RUN },
    });
    expect(label.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(label.detail).toMatch(/not the tag's commit 111111111111/);
    // The record did change (a test command promoting by itself wrote it): never "unchanged".
    expect(label.detail).toMatch(/; canon did not accept that record$/);
  });

  it('does not count a record written by an earlier run', () => {
    const label = deriveOutcome({
      ...promoted,
      canonicalAfter: { version: tested.version, commit: TAG_COMMIT, runId: 'earlier' },
    });
    expect(label.outcome).toBe('GREEN-BUT-PROMOTE-FAILED');
    expect(label.detail).toMatch(/written by run earlier/);
  });

  it('reports a legacy record without a run id as not written by this run', () => {
    const label = deriveOutcome({
      ...promoted,
      promoteResult: null,
      canonicalAfter: { version: tested.version, commit: TAG_COMMIT, runId: null },
    });
    expect(label.detail).toMatch(/\(legacy record\)/);
  });

  it.each<[string, Partial<OutcomeInput>, string, RegExp]>([
    [
      'canon failed',
      { error: 'unreadable record /var/lib/canon/registry/gitea/canonical.json' },
      'ERROR',
      /canonical\.json/,
    ],
    ['sync failed', { syncStatus: 'failed' }, 'SYNC-FAILED', /not tested on a stale mirror/],
    ['no decision', { decision: null }, 'ERROR', /no decision/],
    [
      'skip',
      { decision: { action: 'skip', reason: 'no-new-version', detail: 'already canonical' } },
      'SKIPPED',
      /^no-new-version: already canonical$/,
    ],
    ['skip without detail', { decision: { action: 'skip', reason: 'busy' } }, 'SKIPPED', /^busy$/],
    ['no test result', { testResult: null }, 'ERROR', /no test result/],
    [
      'suite timed out',
      { testResult: { exitCode: null, timedOut: true } },
      'TIMED-OUT',
      /process tree was killed/,
    ],
    [
      "suite exited with one of test.timeoutExitCodes (the runner's own alarm)",
      { testResult: { exitCode: 142, timedOut: true }, canonicalAfter: before },
      'TIMED-OUT',
      /exited 142, which test.timeoutExitCodes counts as its own deadline; canonical unchanged/,
    ],
    [
      'suite red',
      { testResult: { exitCode: 3, timedOut: false }, canonicalAfter: before },
      'FAILED',
      /exited 3; canonical unchanged/,
    ],
    ['suite killed', { testResult: { exitCode: null, timedOut: false } }, 'FAILED', /was killed/],
    [
      'promote timed out',
      { promoteResult: { ok: false, timedOut: true, reason: null }, canonicalAfter: before },
      'TIMED-OUT',
      /promote .* ran past its limit/,
    ],
    [
      'gate refused',
      {
        gate: evaluateGate({
          enrolled: true,
          exitCode: 0,
          quick: false,
          ref: 'main',
          tagged: false,
        }),
        promoteResult: null,
        canonicalAfter: before,
      },
      'GREEN-BUT-PROMOTE-FAILED',
      /gate refused: .*ref "main".*not a release tag/,
    ],
    [
      'promote never ran',
      { gate: null, promoteResult: null, canonicalAfter: before },
      'GREEN-BUT-PROMOTE-FAILED',
      /promote did not run/,
    ],
    [
      'promote failed without reason',
      { promoteResult: { ok: false, timedOut: false, reason: null }, canonicalAfter: null },
      'GREEN-BUT-PROMOTE-FAILED',
      /no reason given/,
    ],
  ])('%s', (_name, over, outcome, detail) => {
    const label = deriveOutcome({ ...promoted, ...over });
    expect(label.outcome).toBe(outcome);
    expect(label.detail).toMatch(detail);
  });

  it('labels a seed that promoted', () => {
    const label = deriveOutcome({
      ...promoted,
      decision: { action: 'run', reason: 'seed' },
      canonicalBefore: null,
    });
    expect(label).toEqual({
      outcome: 'PROMOTED',
      detail: 'nothing → 3.6.0+1.24.2-rootless at 111111111111',
    });
  });

  it('only ever returns a label from the published list', () => {
    expect(OUTCOMES).toEqual([
      'PROMOTED',
      'GREEN-BUT-PROMOTE-FAILED',
      'FAILED',
      'TIMED-OUT',
      'SYNC-FAILED',
      'SKIPPED',
      'ERROR',
    ]);
    expect(OUTCOMES).toContain(deriveOutcome(promoted).outcome);
  });
});
