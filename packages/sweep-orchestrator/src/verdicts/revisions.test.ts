import { describe, expect, it } from 'vitest';
import type { PromoteSpec, TestSpec } from '../config/index.js';
import { canonicalJson, promoteRevOf, suiteRevOf } from './revisions.js';

const test: TestSpec = {
  command: ['ci', '{recipe}', '{runId}'], timeoutSeconds: 60, env: { A: '1', B: '{version}' },
  revision: null, retries: 0, flaky: 'promote', baseline: null, cwd: '{checkout}', checkoutDir: null, timeoutExitCodes: [],
};

describe('suiteRev and promoteRev', () => {
  it('do not change when JSON keys are reordered', () => {
    const reordered = { timeoutExitCodes: [], checkoutDir: null, cwd: '{checkout}', baseline: null, flaky: 'promote', env: { B: '{version}', A: '1' }, retries: 0, timeoutSeconds: 60, revision: null, command: ['ci', '{recipe}', '{runId}'] } as TestSpec;
    expect(suiteRevOf(reordered, null)).toBe(suiteRevOf(test, null));
    expect(canonicalJson({ b: [{ y: 1, x: 2 }], a: null })).toBe('{"a":null,"b":[{"x":2,"y":1}]}');
  });

  it('change with the command, env, timeout, retries, flaky and the revision output, not with baseline', () => {
    const rev = suiteRevOf(test, null);
    expect(rev).toMatch(/^[0-9a-f]{64}$/);
    for (const changed of [
      { ...test, command: ['ci', '{recipe}'] }, { ...test, env: { A: '2', B: '{version}' } }, { ...test, timeoutSeconds: 61 },
      { ...test, retries: 1 }, { ...test, flaky: 'hold' as const },
    ]) {
      expect(suiteRevOf(changed, null)).not.toBe(rev);
    }
    expect(suiteRevOf(test, 'abc123')).not.toBe(rev);
    expect(suiteRevOf(test, 'abc123')).toBe(suiteRevOf(test, 'abc123'));
    expect(suiteRevOf({ ...test, baseline: 'on-red' }, null)).toBe(rev);
  });

  it('promoteRev follows the promote settings', () => {
    const promote = { domain: 'warm.example.org', deploy: ['deploy', '{version}'], env: {} } as unknown as PromoteSpec;
    expect(promoteRevOf(promote)).toBe(promoteRevOf({ env: {}, deploy: ['deploy', '{version}'], domain: 'warm.example.org' } as unknown as PromoteSpec));
    expect(promoteRevOf({ ...promote, deploy: ['deploy2', '{version}'] })).not.toBe(promoteRevOf(promote));
    expect(promoteRevOf(null)).not.toBe(promoteRevOf(promote));
  });
});
