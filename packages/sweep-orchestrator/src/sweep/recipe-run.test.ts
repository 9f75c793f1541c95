import { describe, expect, it } from 'vitest';
import { exitCodeOfRun } from './recipe-run.js';

const skip = (reason: string) => ({ outcome: 'SKIPPED' as const, decision: { action: 'skip' as const, reason, latest: null, canonical: null } });

describe('exitCodeOfRun', () => {
  it.each([
    [[skip('no-new-version'), skip('held-major'), skip('known-failed')], 0],
    [[skip('no-new-version'), skip('infra-degraded')], 1],
    [[{ outcome: 'FAILED' as const, decision: null }], 1],
    [[], 0],
  ])('%j → %i', (recipes, code) => {
    expect(exitCodeOfRun(recipes)).toBe(code);
  });
});
