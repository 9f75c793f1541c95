import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './errors.js';
import { loadConfig } from './load-config.js';

const base = {
  defaults: { upstream: 'https://git.example.org/up/{recipe}.git', mirror: 'https://git.example.org/mirrors/{recipe}.git', test: { command: ['ci', '{recipe}'] } },
  recipes: { gitea: {} },
};

function load(webhook: unknown, secret: string | null = 'a-long-hook-secret\n'): Promise<Awaited<ReturnType<typeof loadConfig>>> {
  const dir = mkdtempSync(join(tmpdir(), 'canon-webhook-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, JSON.stringify({ ...base, webhook }));
  if (secret !== null) writeFileSync(join(dir, 'hook-secret'), secret);
  return loadConfig({ flag: path, env: {}, cwd: '/' });
}

async function problems(webhook: unknown, secret?: string | null): Promise<string[]> {
  const error = await load(webhook, secret).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).data.errors.map((e) => `${e.path}: ${e.message}`);
}

describe('webhook settings', () => {
  it('applies the defaults and reads the secret from secretFile (relative to the config)', async () => {
    const config = await load({ secretFile: 'hook-secret' });
    expect(config.webhook).toMatchObject({
      listen: { host: '127.0.0.1', port: 8787 }, path: '/hooks/forge', secret: 'a-long-hook-secret',
      debounceSeconds: 30, maxSweepsPerHour: 12,
    });
  });

  it('never shows the secret when the config is printed', async () => {
    const config = await load({ secretFile: 'hook-secret' });
    expect(JSON.stringify(config)).not.toContain('a-long-hook-secret');
    expect(inspect(config, { depth: 10 })).not.toContain('a-long-hook-secret');
  });

  it('absent or null: no webhook', async () => {
    expect((await load(null)).webhook).toBeNull();
  });

  it('takes an IPv6 listen address', async () => {
    expect((await load({ secretFile: 'hook-secret', listen: '[::1]:9000' })).webhook?.listen).toEqual({ host: '::1', port: 9000 });
  });

  it('a short secret is a config error that names the length, never the secret', async () => {
    const found = await problems({ secretFile: 'hook-secret' }, 'short\n');
    expect(found).toEqual([expect.stringMatching(/^webhook\.secretFile: .*hook-secret holds 5 characters; .* at least 8/)]);
    expect(found.join('\n')).not.toContain('short\n');
  });

  it('a missing secret file is a config error naming the key', async () => {
    expect(await problems({ secretFile: 'hook-secret' }, null)).toEqual([
      expect.stringMatching(/^webhook\.secretFile: cannot read .*hook-secret \(ENOENT\)/),
    ]);
  });

  it.each([
    [{ listen: '8787' }, /^webhook\.listen: expected host:port/],
    [{ listen: 'localhost:70000' }, /^webhook\.listen: expected host:port/],
    [{ path: 'hooks' }, /^webhook\.path: path must start with "\/"/],
    [{ debounceSeconds: -1 }, /^webhook\.debounceSeconds: /],
    [{ maxSweepsPerHour: 0 }, /^webhook\.maxSweepsPerHour: /],
    [{ extra: 1 }, /^webhook\.extra: unknown key/],
  ])('rejects %j', async (patch, expected) => {
    expect(await problems({ secretFile: 'hook-secret', ...patch })).toEqual([expect.stringMatching(expected)]);
  });

  it('secretFile is required', async () => {
    expect(await problems({})).toEqual([expect.stringMatching(/^webhook\.secretFile: /)]);
  });
});
