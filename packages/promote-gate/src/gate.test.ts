import { describe, expect, it } from 'vitest';
import { evaluateGate, type GateInput } from '@canon/promote-gate';

const green: GateInput = { enrolled: true, exitCode: 0, quick: false, ref: null, tagged: true };

describe('evaluateGate', () => {
  it('promotes a green, enrolled, full run of a release tag, with no excuses', () => {
    expect(evaluateGate(green)).toEqual({ promote: true, reasons: [] });
  });

  it.each<[string, Partial<GateInput>, string, RegExp]>([
    ['not enrolled', { enrolled: false }, 'not-enrolled', /not enrolled/],
    ['red suite', { exitCode: 1 }, 'suite-red', /exited 1; only exit code 0 is green/],
    ['killed suite', { exitCode: null }, 'suite-red', /did not exit/],
    ['quick run', { quick: true }, 'quick-run', /quick run/],
    ['ref override', { ref: 'refs/heads/main' }, 'ref-override', /"refs\/heads\/main"/],
    ['untagged version', { tagged: false }, 'not-a-release-tag', /not a release tag/],
  ])('refuses a %s, saying why', (_name, over, code, message) => {
    const verdict = evaluateGate({ ...green, ...over });
    expect(verdict.promote).toBe(false);
    expect(verdict.reasons).toEqual([{ code, message: expect.stringMatching(message) }]);
  });

  it('lists every failed clause, not just the first', () => {
    const verdict = evaluateGate({
      enrolled: false,
      exitCode: 2,
      quick: true,
      ref: 'dev',
      tagged: false,
    });
    expect(verdict.promote).toBe(false);
    expect(verdict.reasons.map((r) => r.code)).toEqual([
      'not-enrolled',
      'suite-red',
      'quick-run',
      'ref-override',
      'not-a-release-tag',
    ]);
  });
});
