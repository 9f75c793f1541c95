import { describe, expect, it } from 'vitest';
import {
  deriveOutcome,
  evaluateGate,
  type GateInput,
  type OutcomeInput,
} from '@canon/promote-gate';

const red: GateInput = { enrolled: true, exitCode: 1, quick: false, ref: null, tagged: true };
const tested = { version: '2.0.0', tag: '2.0.0', commit: 'a'.repeat(40) };

describe('a waiver at the gate', () => {
  it('lets a red exit code through, naming the waiver', () => {
    expect(evaluateGate({ ...red, waiver: { reason: 'upstream flake #12' } })).toEqual({
      promote: true,
      reasons: [],
      waived: 'upstream flake #12',
    });
  });

  it('excuses nothing else: a killed suite, a quick run or an untagged version stay refused', () => {
    const waiver = { reason: 'r' };
    expect(evaluateGate({ ...red, exitCode: null, waiver }).reasons.map((r) => r.code)).toEqual([
      'suite-red',
    ]);
    expect(evaluateGate({ ...red, quick: true, waiver })).toEqual({
      promote: false,
      reasons: [expect.objectContaining({ code: 'quick-run' })],
    });
    expect(evaluateGate({ ...red, tagged: false, waiver }).promote).toBe(false);
  });

  it('is not mentioned for a green run', () => {
    expect(evaluateGate({ ...red, exitCode: 0, waiver: { reason: 'r' } })).toEqual({
      promote: true,
      reasons: [],
    });
  });

  it('makes a promoted red PROMOTED with "waived: <reason>" in the detail', () => {
    const input: OutcomeInput = {
      runId: 'run-1',
      decision: { action: 'run', reason: 'new-release' },
      syncStatus: 'ok',
      error: null,
      testResult: { exitCode: 1, timedOut: false },
      gate: evaluateGate({ ...red, waiver: { reason: 'known upstream bug' } }),
      promoteResult: { ok: true, timedOut: false, reason: null },
      tested,
      canonicalBefore: { version: '1.0.0', commit: 'b'.repeat(40), runId: 'run-0' },
      canonicalAfter: { version: '2.0.0', commit: tested.commit, runId: 'run-1' },
    };
    expect(deriveOutcome(input)).toEqual({
      outcome: 'PROMOTED',
      detail: `1.0.0 → 2.0.0 at ${'a'.repeat(12)}; waived: known upstream bug`,
    });
    expect(deriveOutcome({ ...input, gate: evaluateGate(red) }).outcome).toBe('FAILED');
  });
});
