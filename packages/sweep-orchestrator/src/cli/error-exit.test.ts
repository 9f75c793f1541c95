import { ConfigError } from '../config/index.js';
import { LockedError, RegistryError } from '@canon/warm-registry';
import { describe, expect, it } from 'vitest';
import { HollowSweepError, SweepError } from '../sweep/errors.js';
import { describeError, exitCodeForError } from './error-exit.js';
import { usageError } from './usage-error.js';

describe('the one top-level error → exit code mapping', () => {
  it.each([
    { error: usageError('sweep', ['bad']), code: 2 },
    { error: new ConfigError('CONFIG_INVALID', { path: '/c.json', errors: [{ path: 'recipes.beta.tset', message: 'unknown key' }] }), code: 2 },
    { error: new SweepError('UNKNOWN_RECIPE', { configPath: '/c.json', unknown: ['x'], configured: [] }), code: 2 },
    { error: new HollowSweepError('HOLLOW', { configPath: '/c.json', recipes: [] }), code: 3 },
    { error: new SweepError('SWEEP_LOCK_LOST', { runId: 'r' }, { cause: new Error('lost') }), code: 1 },
    { error: new RegistryError('REGISTRY_DIR_MISSING', { path: '/var/lib/ci-wram', detail: 'missing' }), code: 2 },
    { error: new RegistryError('CORRUPT_RECORD', { path: '/x/canonical.json', detail: 'bad' }), code: 1 },
    { error: new Error('anything else'), code: 1 },
    { error: Object.assign(new Error('looks like a usage error by name only'), { name: 'UsageError', code: 'USAGE' }), code: 1 },
  ])('$error.name → $code', ({ error, code }) => {
    expect(exitCodeForError(error)).toBe(code);
  });

  it('a held sweep lock exits 75 and names its holder', () => {
    const holder = { pid: 4242, host: 'ci-1', runId: '20261127T031500Z-4f2a', startedAt: '2026-11-27T03:15:00Z', recipe: 'gitea', phase: 'test' };
    const error = new LockedError('LOCKED', { holder, lockPath: '/var/lib/canon/sweep.lock' });
    expect(exitCodeForError(error)).toBe(75);
    expect(describeError(error)).toBe(
      'canon: another sweep is running: pid 4242 on ci-1, run 20261127T031500Z-4f2a, started 2026-11-27T03:15:00Z, now at recipe gitea, phase test. Not starting a second one.',
    );
  });

  it('a sweep lock whose holder has not described itself yet says so', () => {
    const error = new LockedError('LOCKED', { holder: null, lockPath: '/var/lib/canon/sweep.lock' });
    expect(exitCodeForError(error)).toBe(75);
    expect(describeError(error)).toBe('canon: another sweep holds /var/lib/canon/sweep.lock (holder unknown); try again after it finishes');
  });

  it('an error branded in another realm maps by its brand and code', () => {
    const foreign = { message: 'no config', code: 'CONFIG_NOT_FOUND', [Symbol.for('canon.error')]: 'ConfigError' };
    expect(exitCodeForError(foreign)).toBe(2);
    expect(describeError(foreign)).toBe('canon: no config\nNothing was written.');
  });

  it('a usage error is printed as it is worded, naming its command once', () => {
    expect(describeError(usageError('sweep', ['bad']))).toBe('canon sweep: bad (see `canon sweep --help`)');
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
