import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runCli, type CliIo } from './main.js';

// SPEC "Registry": a mistyped registryDir must not make every recipe look unseeded.
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

it.each([['plan'], ['sweep'], ['promote', '--recipe', 'alpha', '--version', '1.0.0'], ['adopt', '--recipe', 'alpha', '--version', '1.0.0', '--reason', 'running before canon'], ['doctor']])('`canon %s` with a missing registryDir exits 2 naming it and creates nothing there', async (...command) => {
  const dir = mkdtempSync(join(tmpdir(), 'canon-registry-dir-'));
  dirs.push(dir);
  const registryDir = join(dir, 'var', 'lib', 'ci-wram');
  const config = join(dir, 'canon.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      stateDir: join(dir, 'state'),
      workDir: join(dir, 'work'),
      registryDir,
      registryFormat: 'ci-warm',
      defaults: {
        upstream: 'https://127.0.0.1:9/upstream/{recipe}.git',
        mirror: 'https://127.0.0.1:9/mirror/{recipe}.git',
        test: { command: ['true'] },
      },
      recipes: { alpha: {} },
    }),
  );
  const err: string[] = [];
  const io: CliIo = { env: {}, cwd: dir, isTTY: false, stdout: () => undefined, stderr: (t) => err.push(t) };
  expect(await runCli([...command, '--config', config], io)).toBe(2);
  expect(err.join('')).toContain(registryDir);
  expect(existsSync(registryDir)).toBe(false);
});
