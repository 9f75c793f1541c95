import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, type CliIo } from '../main.js';

function io(): CliIo & { err: string[] } {
  const err: string[] = [];
  return { env: {}, cwd: '/nonexistent', isTTY: false, err, stdout: () => undefined, stderr: (t) => err.push(t) };
}

function localConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'canon-worker-cli-'));
  const path = join(dir, 'canon.config.json');
  writeFileSync(path, JSON.stringify({
    stateDir: join(dir, 'state'),
    defaults: { upstream: 'https://u.example/{recipe}.git', mirror: 'https://m.example/{recipe}.git', test: { command: ['ci'] } },
    recipes: { alpha: {} },
  }));
  return path;
}

describe('canon worker', () => {
  it.each([
    [['--slots', '0'], '--slots must be a whole number from 1 to 64, got "0"'],
    [['--slots', '2.5'], '--slots must be a whole number from 1 to 64, got "2.5"'],
    [['--pool', 'Big:Disk'], '--pool must match [a-z0-9][a-z0-9._-]*'],
  ])('exits 2 on %j', async (args, text) => {
    const x = io();
    expect(await runCli(['worker', ...args, '--config', localConfig()], x)).toBe(2);
    expect(x.err.join('')).toContain(text);
  });

  it('exits 1 and says what to set when the config has no execution.redis', async () => {
    const x = io();
    expect(await runCli(['worker', '--config', localConfig()], x)).toBe(1);
    expect(x.err.join('')).toContain('canon worker needs execution.redis in its config, and it has none; set execution.redis.url in the config [NOT_CONFIGURED]');
  });
});
