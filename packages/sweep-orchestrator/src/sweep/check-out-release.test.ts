import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedConfig, ResolvedRecipe } from '../config/index.js';
import { checkoutDirOf, checkOutRelease } from './check-out-release.js';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function setup(checkoutDir: string | null): { root: string; config: ResolvedConfig; recipe: ResolvedRecipe } {
  const root = mkdtempSync(join(tmpdir(), 'canon-checkout-'));
  roots.push(root);
  const recipe = {
    name: 'custom-html', enrolled: true, reason: null, upstream: 'https://up.example/custom-html.git',
    // Never reached: every refusal happens before anything is fetched.
    mirror: 'https://git.invalid/ci-mirrors/custom-html.git', branch: 'HEAD', busyCheck: null,
    test: { command: ['true'], timeoutSeconds: 1, env: {}, cwd: '{checkout}', checkoutDir, timeoutExitCodes: [], revision: null, retries: 0, flaky: 'promote', baseline: null },
    promote: null, block: [], waive: [], hold: { major: false, appMajor: false }, dependsOn: null,
  } satisfies ResolvedRecipe;
  return { root, config: { path: join(root, 'etc', 'canon.json'), workDir: join(root, 'work') } as ResolvedConfig, recipe };
}

const release = { name: '1.0.0+1', version: '1.0.0+1', commit: 'a'.repeat(40) };

describe('checkOutRelease into test.checkoutDir', () => {
  it('resolves the default under workDir, and a relative checkoutDir against the config file with {recipe}', () => {
    const plain = setup(null);
    expect(checkoutDirOf(plain.config, plain.recipe)).toBe(join(plain.root, 'work', 'checkouts', 'custom-html'));
    const relative = setup('../abra/{recipe}');
    expect(checkoutDirOf(relative.config, relative.recipe)).toBe(join(relative.root, 'abra', 'custom-html'));
  });

  it('refuses a directory of files that is not a repository, and leaves every byte of it', async () => {
    const { root, config, recipe } = setup('{recipe}');
    const dir = join(root, 'etc', 'custom-html');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');
    await expect(checkOutRelease(config, recipe, release)).rejects.toMatchObject({
      name: 'MirrorSyncError', code: 'CHECKOUT_FAILED',
      data: { stage: 'checkout', cwd: dir, detail: expect.stringMatching(/holds files but is not a git repository of its own; .* left it untouched/) },
    });
    expect(readFileSync(join(dir, 'notes.txt'), 'utf8')).toBe('mine\n');
  });

  it('refuses a directory inside another repository (not the top of its own work tree)', async () => {
    const { root, config, recipe } = setup('{recipe}');
    await execa('git', ['init', '--quiet', join(root, 'etc')]);
    const dir = join(root, 'etc', 'custom-html');
    mkdirSync(dir);
    writeFileSync(join(dir, 'compose.yml'), 'x\n');
    await expect(checkOutRelease(config, recipe, release)).rejects.toMatchObject({ code: 'CHECKOUT_FAILED' });
    expect(readFileSync(join(dir, 'compose.yml'), 'utf8')).toBe('x\n');
  });

  it('refuses a file standing at checkoutDir', async () => {
    const { root, config, recipe } = setup('{recipe}');
    mkdirSync(join(root, 'etc'));
    writeFileSync(join(root, 'etc', 'custom-html'), 'a file\n');
    await expect(checkOutRelease(config, recipe, release)).rejects.toMatchObject({
      code: 'CHECKOUT_FAILED', data: { detail: expect.stringMatching(/exists and is not a directory/) },
    });
    expect(readFileSync(join(root, 'etc', 'custom-html'), 'utf8')).toBe('a file\n');
  });
});
