import { ConfigError } from '../config/index.js';
import { LockedError, RegistryError } from '@canon/warm-registry';
import { describe, expect, it } from 'vitest';
import { HollowSweepError, SweepError } from '../sweep/errors.js';
import { describeError, exitCodeForError } from './error-exit.js';
import { UsageError } from './usage-error.js';

describe('the one top-level error → exit code mapping', () => {
  it.each([
    { error: new UsageError('sweep', ['bad']), code: 2 },
    { error: new ConfigError('CONFIG_INVALID', { path: '/c.json', errors: [{ path: 'recipes.beta.tset', message: 'unknown key' }] }), code: 2 },
    { error: new SweepError('UNKNOWN_RECIPE', 'no recipe named "x"', {}), code: 2 },
    { error: new HollowSweepError({ configPath: '/c.json', recipes: [] }), code: 3 },
    { error: new SweepError('LOCK_COMPROMISED', 'lost', {}), code: 1 },
    { error: new RegistryError('REGISTRY_DIR_MISSING', { path: '/var/lib/ci-wram' }, 'missing'), code: 2 },
    { error: new RegistryError('CORRUPT_RECORD', { path: '/x/canonical.json' }, 'bad'), code: 1 },
    { error: new Error('anything else'), code: 1 },
  ])('$error.name → $code', ({ error, code }) => {
    expect(exitCodeForError(error)).toBe(code);
  });

  it('a held sweep lock exits 75 and names its holder', () => {
    const holder = { pid: 4242, host: 'ci-1', runId: '20261127T031500Z-4f2a', startedAt: '2026-11-27T03:15:00Z', recipe: 'gitea', phase: 'test' };
    const error = new LockedError({ holder, lockPath: '/var/lib/canon/sweep.lock' });
    expect(exitCodeForError(error)).toBe(75);
    expect(describeError(error)).toBe(
      'canon: another sweep is running: pid 4242 on ci-1, run 20261127T031500Z-4f2a, started 2026-11-27T03:15:00Z, now at recipe gitea, phase test. Not starting a second one.',
    );
  });

  it('a config error lists every problem with its path and says nothing was written', () => {
    const text = describeError(
      new ConfigError('CONFIG_INVALID', {
        path: '/c.json',
        errors: [
          { path: 'recipes.beta.tset', message: 'unknown key' },
          { path: 'recipes.alpha.upstream', message: 'ext:: is not allowed' },
        ],
      }),
    );
    expect(text).toContain('recipes.beta.tset: unknown key');
    expect(text).toContain('recipes.alpha.upstream: ext:: is not allowed');
    expect(text).toMatch(/Nothing was written\.$/);
  });
});
