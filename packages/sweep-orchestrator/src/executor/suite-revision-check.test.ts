import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/index.js';
import { suiteRevOf } from '../verdicts/revisions.js';
import type { TestRequest } from './executor.js';
import { suiteRevisionMismatch } from './suite-revision-check.js';

async function requestWith(revision: string[] | null, sweepOutput: string | null, known = true): Promise<TestRequest> {
  const config = await resolveConfig(
    {
      defaults: {
        upstream: 'https://git.example.org/up/{recipe}.git',
        mirror: 'https://git.example.org/ci/{recipe}.git',
        test: { command: ['true'], revision, timeoutSeconds: 30 },
      },
      recipes: { alpha: {} },
    },
    { path: '/srv/canon/canon.config.json', env: {} },
  );
  const recipe = config.recipes[0];
  if (recipe === undefined) throw new Error('no recipe in the config');
  return {
    kind: 'test', recipe, upgradeBase: null, previousVersion: null, suiteRev: suiteRevOf(recipe.test, sweepOutput),
    ...(known ? { suiteRevision: sweepOutput } : {}),
    runId: 'R1', runDir: '/tmp/run', release: { version: '1.0.0', tag: '1.0.0', commit: 'a'.repeat(40), checkout: '/tmp/c' },
    logFile: '/tmp/run/test.log', signal: new AbortController().signal,
  };
}

const REV = ['git', '-C', '/etc/cc-ci', 'rev-parse', 'HEAD'];

describe('suiteRevisionMismatch', () => {
  it('accepts a worker whose revision gives the sweep\'s suiteRev, with or without test.revision', async () => {
    expect(suiteRevisionMismatch(await requestWith(REV, 'abc123'), 'w1', 'abc123')).toBeNull();
    expect(suiteRevisionMismatch(await requestWith(null, null), 'w1', null)).toBeNull();
    // An older worker reports nothing: fine while no revision is asked for.
    expect(suiteRevisionMismatch(await requestWith(null, null), 'w1', undefined)).toBeNull();
  });

  it('names the worker and both revisions when they differ', async () => {
    expect(suiteRevisionMismatch(await requestWith(REV, 'abc123'), 'w2', 'def456')).toBe(
      'suite-revision-mismatch: worker w2 ran the suite at revision "def456", the sweep host\'s is "abc123"; the result belongs to another suite, so it is no verdict and nothing is promoted',
    );
    expect(suiteRevisionMismatch(await requestWith(null, null), 'w2', 'def456')).toMatch(/^suite-revision-mismatch: worker w2 ran the suite at revision "def456", the sweep host sets no test\.revision;/);
    expect(suiteRevisionMismatch(await requestWith(REV, 'abc123'), 'w2', null)).toMatch(/^suite-revision-mismatch: worker w2 sets no test\.revision, the sweep host's is "abc123";/);
  });

  it('falls back to the suiteRev when the request does not carry the sweep host\'s revision, and refuses a worker that reports none', async () => {
    const request = await requestWith(REV, 'abc123', false);
    expect(suiteRevisionMismatch(request, 'w2', 'def456')).toContain(`the sweep host's suiteRev ${request.suiteRev.slice(0, 12)}`);
    expect(suiteRevisionMismatch(request, 'w2', undefined)).toMatch(/^suite-revision-mismatch: worker w2 did not report its suite revision/);
  });
});
