import { describe, expect, it } from 'vitest';
import { commandValues, type CommandValuesInput } from './command-values.js';

const release = { version: '1.1.0+1.21', tag: 'v1.1.0+1.21', commit: 'b'.repeat(40), checkout: '/work/checkouts/alpha' };
const base = {
  recipe: 'alpha', runId: 'R1', runDir: '/state/runs/R1', release, upgradeBase: '1.0.0+1.20', previousVersion: '1.0.0+1.20',
  env: { DOMAIN: '{domain}', CANON_TAG: 'mine', SEEN: '{tag}@{previousVersion}' },
};

describe('commandValues', () => {
  it('gives a test the release placeholders and CANON_* over its own env, without the promote-only variables', () => {
    const input: CommandValuesInput = { ...base, kind: 'test', domain: 'alpha.example' };
    const { placeholders, env } = commandValues(input);
    expect(placeholders).toEqual({
      recipe: 'alpha', version: '1.1.0+1.21', tag: 'v1.1.0+1.21', commit: 'b'.repeat(40), checkout: '/work/checkouts/alpha',
      upgradeBase: '1.0.0+1.20', runId: 'R1', runDir: '/state/runs/R1', previousVersion: '1.0.0+1.20', domain: 'alpha.example',
    });
    expect(env).toEqual({
      DOMAIN: 'alpha.example', SEEN: 'v1.1.0+1.21@1.0.0+1.20',
      CANON_RECIPE: 'alpha', CANON_VERSION: '1.1.0+1.21', CANON_TAG: 'v1.1.0+1.21', CANON_COMMIT: 'b'.repeat(40),
      CANON_CHECKOUT: '/work/checkouts/alpha', CANON_UPGRADE_BASE: '1.0.0+1.20', CANON_RUN_ID: 'R1', CANON_SKIP_FETCH: '1',
    });
  });

  it('leaves {domain} out for a recipe without promote, and empties what is not known', () => {
    const { placeholders, env } = commandValues({ ...base, kind: 'test', domain: null, upgradeBase: null, previousVersion: null, env: {} });
    expect(placeholders).not.toHaveProperty('domain');
    expect(placeholders).toMatchObject({ upgradeBase: '', previousVersion: '' });
    expect(env.CANON_UPGRADE_BASE).toBe('');
  });

  it.each(['seed', 'advance', 'rollback'] as const)('gives a %s promote step CANON_DOMAIN, _PREVIOUS_VERSION and _MODE, its env overriding', (mode) => {
    const { env } = commandValues({ ...base, kind: 'promote', domain: 'alpha.example', mode, previousVersion: null });
    expect(env).toMatchObject({
      CANON_DOMAIN: 'alpha.example', CANON_PREVIOUS_VERSION: '', CANON_MODE: mode, CANON_TAG: 'mine', SEEN: 'v1.1.0+1.21@',
    });
  });
});
