import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide, isHeldMajor, SAFETY_SKIPS, type DecisionInput, type VerdictLine } from '@canon/trigger';
import { DAY_MS, NOW } from './testing/decision-input.js';

// A small pool of names and commits so that blocks, approvals, verdicts and the canonical
// often hit the generated tags.
const names = ['1.0.0+1.0.0', 'v1.1.0+1.2.0', '1.2.0+2.0.0', '2.0.0+2.1.0', '2.1.0-rc.1+2.1.0', '3.0.0+v2026.1.0', 'latest', '1.14.1-rootless_1'];
const versions = ['1.0.0+1.0.0', '1.1.0+1.2.0', '1.2.0+2.0.0', '2.0.0+2.1.0', '3.0.0+v2026.1.0', 'main'];
const commits = ['a', 'b', 'c'].map((c) => c.repeat(40));
const usually = (yes: boolean) => fc.integer({ min: 0, max: 9 }).map((n) => (n > 0) === yes);
const iso = fc.integer({ min: -60, max: 5 }).map((d) => new Date(NOW.getTime() + d * DAY_MS).toISOString());
const outcomes = ['FAILED', 'TIMED-OUT', 'GREEN-BUT-PROMOTE-FAILED', 'SYNC-FAILED', 'ERROR', 'PROMOTED'];
const reasons = [null, 'exit 1', 'deploy-failed', 'unhealthy', 'busy', 'backup-failed', 'disk-full'];

const verdictLine: fc.Arbitrary<VerdictLine> = fc.record({
  ts: iso,
  runId: fc.constantFrom('R1', 'R2'),
  key: fc.record({
    version: fc.constantFrom(...versions),
    commit: fc.constantFrom(...commits),
    suiteRev: fc.constantFrom('S1', 'S2'),
    promoteRev: fc.constantFrom('P1', 'P2'),
  }),
  outcome: fc.constantFrom(...outcomes),
  final: fc.boolean(),
  reason: fc.constantFrom(...reasons),
});

const decisionInput: fc.Arbitrary<DecisionInput> = fc.record(
  {
    recipe: fc.constant('app'),
    enrolled: usually(true),
    tags: fc.uniqueArray(fc.record({ name: fc.constantFrom(...names), commit: fc.constantFrom(...commits) }), { selector: (t) => t.name, maxLength: 6 }),
    canonical: fc.option(
      fc.record(
        { version: fc.constantFrom(...versions), commit: fc.constantFrom(...commits), parents: fc.subarray(commits) },
        { requiredKeys: ['version', 'commit'] },
      ),
      { nil: null },
    ),
    blocked: fc.subarray(versions).map((vs) => vs.map((version) => ({ version, reason: 'r' }))),
    busy: usually(false),
    force: fc.constant(false),
    includePrereleases: fc.boolean(),
    infraDegraded: usually(false).map((down) => (down ? [{ recipe: 'traefik', reason: 'down' }] : [])),
    hold: fc.record({ major: fc.boolean(), appMajor: fc.boolean() }),
    approvals: fc.array(fc.record({ version: fc.constantFrom(...versions), expires: iso }, { requiredKeys: ['version'] }), { maxLength: 2 }),
    protectedDomain: usually(false),
    promoteMode: fc.constantFrom('warm' as const, 'live' as const),
    disk: fc.option(fc.record({ usedBytes: fc.nat(10), budgetBytes: fc.nat(10) }), { nil: null }),
    verdicts: fc.record(
      {
        lines: fc.array(verdictLine, { maxLength: 6 }),
        suiteRev: fc.constantFrom('S1', 'S2'),
        promoteRev: fc.constantFrom('P1', 'P2'),
        rechecks: fc.array(fc.record({ ts: iso, version: fc.constantFrom(...versions) }, { requiredKeys: ['ts'] }), { maxLength: 1 }),
        waivers: fc.array(fc.record({ version: fc.constantFrom(...versions), reason: fc.constant('w'), expires: iso }), { maxLength: 1 }),
        recheckAfterDays: fc.integer({ min: 1, max: 60 }),
      },
      { requiredKeys: ['lines', 'suiteRev', 'promoteRev'] },
    ),
    now: fc.constant(NOW),
  },
  { requiredKeys: ['recipe', 'enrolled', 'tags', 'canonical', 'blocked', 'busy', 'force', 'includePrereleases'] },
);

describe('--force and the safety rows', () => {
  it('never turns a safety-row skip into a run', () => {
    fc.assert(
      fc.property(decisionInput, (input) => {
        const plain = decide(input);
        const forced = decide({ ...input, force: true });
        if (plain.action === 'skip' && SAFETY_SKIPS.includes(plain.reason)) {
          expect(forced).toMatchObject({ action: 'skip', reason: plain.reason });
        }
        if (forced.action === 'run') expect(forced.reason).toBe('forced');
      }),
      { numRuns: 3000 },
    );
  });

  it('never runs a blocked release, an unapproved held major, or anything on a protected non-live domain', () => {
    fc.assert(
      fc.property(decisionInput, fc.boolean(), (input, force) => {
        const d = decide({ ...input, force });
        if (d.action !== 'run') return;
        expect(input.blocked.map((b) => b.version.replace(/^v/, ''))).not.toContain(d.latest.version);
        const held = { canonical: input.canonical?.version ?? null, hold: input.hold ?? { major: false, appMajor: false } };
        expect(isHeldMajor({ version: d.latest.version, ...held, approvals: input.approvals ?? [], now: NOW })).toBe(false);
        expect(input.protectedDomain === true && input.promoteMode !== 'live').toBe(false);
        expect(input.enrolled && !input.busy && (input.infraDegraded ?? []).length === 0).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
