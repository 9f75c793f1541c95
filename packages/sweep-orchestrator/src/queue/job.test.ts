import { describe, expect, it } from 'vitest';
import { cancelChannelOf, jobIdOf, queueNameOf, testJobSchema } from './job.js';

const key = {
  recipe: 'gitea', version: '3.6.1+1.24.3-rootless', commit: 'a'.repeat(40), suiteRev: 'f00d', kind: 'test', runId: '20261127T031500Z-4f2a',
};

describe('jobIdOf', () => {
  it('is the SPEC key plus the run id, joined by "@"', () => {
    expect(jobIdOf(key)).toBe(`gitea@3.6.1+1.24.3-rootless@${'a'.repeat(40)}@f00d@test@20261127T031500Z-4f2a`);
  });

  it.each([
    ['a ":" BullMQ would read as its legacy id form', { suiteRev: 'sha256:ab' }, 'sha256%3Aab'],
    ['an "@" that would shift the parts', { version: '1.0@x' }, '1.0%40x'],
    ['a "%" so encoded and plain parts never meet', { version: '1%3A' }, '1%253A'],
  ])('encodes %s', (_what, change, part) => {
    const id = jobIdOf({ ...key, ...change });
    expect(id).not.toContain(':');
    expect(id.split('@')).toHaveLength(6);
    expect(id).toContain(part);
  });

  it('gives a retry, a baseline and another run their own jobs', () => {
    const ids = new Set([jobIdOf(key), jobIdOf({ ...key, kind: 'retry-1' }), jobIdOf({ ...key, kind: 'baseline' }), jobIdOf({ ...key, runId: 'other' })]);
    expect(ids.size).toBe(4);
  });
});

describe('job payload', () => {
  it.each([['retry-0'], ['rerun'], ['retry-']])('refuses kind %s', (kind) => {
    const job = {
      schema: 1, ...key, kind, tag: key.version, mirror: 'https://m/gitea.git', test: { command: ['ci'], timeoutSeconds: 60 },
      upgradeBase: null, previousVersion: null, domain: null, pool: null,
    };
    expect(testJobSchema.safeParse(job).success).toBe(false);
    expect(testJobSchema.safeParse({ ...job, kind: 'retry-2' }).success).toBe(true);
  });

  it('names the queue and cancel channel of a pool', () => {
    expect(queueNameOf('canon-tests', null)).toBe('canon-tests');
    expect(queueNameOf('canon-tests', 'big-disk')).toBe('canon-tests-big-disk');
    expect(cancelChannelOf('canon-tests-big-disk')).toBe('canon:cancel:canon-tests-big-disk');
  });
});
