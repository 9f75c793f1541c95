import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { resolveConfig } from './load-config.js';

const recipes = {
  defaults: { upstream: 'https://u.example/{recipe}.git', mirror: 'https://m.example/{recipe}.git', test: { command: ['ci'] } },
  recipes: { alpha: {}, beta: { test: { pool: 'big-disk' } } },
};

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'canon-execution-'));
}

async function problemsOf(json: unknown, path = join(dir(), 'canon.config.json')): Promise<string[]> {
  const error = await resolveConfig(json, { path, env: {} }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('execution', () => {
  it('defaults to local mode with the SPEC values and no Redis', async () => {
    const config = await resolveConfig(recipes, { path: '/etc/canon/config.json', env: {} });
    expect(config.execution).toEqual({
      mode: 'local', redis: null, queue: 'canon-tests', lockSeconds: 60, stallCheckSeconds: 30, maxStalls: 1,
    });
    expect(config.recipes.map((r) => r.test.pool ?? null)).toEqual([null, 'big-disk']);
  });

  it('reads the Redis password from its file relative to the config, and never prints it', async () => {
    const d = dir();
    writeFileSync(join(d, 'redis.pass'), 'correct-horse-battery\n');
    const config = await resolveConfig(
      { ...recipes, execution: { mode: 'queue', redis: { url: 'rediss://redis.internal:6380/2', passwordFile: 'redis.pass' }, lockSeconds: 10 } },
      { path: join(d, 'canon.config.json'), env: {} },
    );
    expect(config.execution.redis?.password).toBe('correct-horse-battery');
    expect(config.execution).toMatchObject({ mode: 'queue', lockSeconds: 10, redis: { url: 'rediss://redis.internal:6380/2', tls: true } });
    expect(JSON.stringify(config)).not.toContain('correct-horse');
    expect(inspect(config, { depth: 10 })).not.toContain('correct-horse');
  });

  it.each([
    [{ mode: 'queue' }, 'execution.redis: execution.mode "queue" needs execution.redis.url'],
    [{ redis: { url: 'http://redis:6379' } }, 'execution.redis.url: scheme "http" is not allowed; use redis or rediss'],
    [{ redis: { url: 'redis://:hunter22hunter@redis:6379' } }, 'execution.redis.url: URL carries a password; put it in execution.redis.passwordFile instead'],
    [{ redis: { url: 'rediss://redis:6379', tls: false } }, 'execution.redis.tls: rediss:// always uses TLS'],
    [{ queue: 'canon:tests' }, 'execution.queue: a queue name must match'],
    [{ maxStalls: -1 }, 'execution.maxStalls: '],
    [{ lockSeconds: 0 }, 'execution.lockSeconds: execution.lockSeconds must be a positive number'],
    [{ mode: 'cluster' }, 'execution.mode: '],
    [{ workers: 3 }, 'execution.workers: unknown key'],
  ])('refuses %j with its JSON path', async (execution, expected) => {
    const problems = await problemsOf({ ...recipes, execution });
    expect(problems.some((p) => p.startsWith(expected)), problems.join('\n')).toBe(true);
  });

  it('refuses a bad pool name and a short or missing password file, naming the path but not the password', async () => {
    const d = dir();
    writeFileSync(join(d, 'short'), 'abc123\n');
    const path = join(d, 'canon.config.json');
    expect(await problemsOf({ ...recipes, recipes: { alpha: { test: { pool: 'Big:Disk' } } } }, path)).toEqual([
      expect.stringMatching(/^recipes\.alpha\.test\.pool: a pool name must match/) as string,
    ]);
    const short = await problemsOf({ ...recipes, execution: { redis: { url: 'redis://r', passwordFile: 'short' } } }, path);
    expect(short).toEqual([`execution.redis.passwordFile: ${join(d, 'short')} holds 6 characters; a Redis password needs at least 8`]);
    expect(short.join('')).not.toContain('abc123');
    const missing = await problemsOf({ ...recipes, execution: { redis: { url: 'redis://r', passwordFile: 'nope' } } }, path);
    expect(missing).toEqual([`execution.redis.passwordFile: cannot read ${join(d, 'nope')} (ENOENT); it must hold the Redis password`]);
  });
});
