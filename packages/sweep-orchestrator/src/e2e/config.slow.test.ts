import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

describe('canon refuses what it cannot trust before writing anything', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: ['alpha', 'beta'] });
  });
  afterAll(() => s.close());

  it.each([
    { why: 'an unknown key', patch: { recipes: { alpha: {}, beta: { tset: {} } } }, path: 'recipes.beta.tset' },
    { why: 'an ext:: URL', patch: { recipes: { alpha: { upstream: 'ext::sh -c touch% /tmp/pwned' }, beta: {} } }, path: 'recipes.alpha.upstream' },
    { why: 'a ../x recipe name', patch: { recipes: { alpha: {}, '../x': {} } }, path: 'recipes' },
    { why: 'an OnCalendar systemd would refuse', patch: { schedule: { onCalendar: 'Fri..Mon 04:00' } }, path: 'schedule.onCalendar' },
    { why: 'an unknown placeholder', patch: { defaults: { test: { command: ['run-ci', '{recipee}'] } } }, path: 'defaults.test.command' },
  ])('$why: exit 2, the JSON path named, no state written', async ({ patch, path }) => {
    await s.writeConfig(patch);
    for (const command of [['sweep'], ['plan'], ['status'], ['doctor']]) {
      const r = await s.canon(command);
      expect(r.code, `${command.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toContain(path);
    }
    expect(existsSync(s.stateDir)).toBe(false);
    expect(existsSync(s.workDir)).toBe(false);
  });

  it('lists every problem of a config at once', async () => {
    await s.writeConfig({ recipes: { alpha: { tset: 1 }, beta: { upstream: 'ext::x' } } });
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('recipes.alpha.tset');
    expect(r.stderr).toContain('recipes.beta.upstream');
  });

  it('units render writes the service and timer; verify and doctor accept them; doctor finds a missing bash; verify rejects a hollow config', async () => {
    await s.writeConfig();
    const dir = join(s.dir, 'units');
    const rendered = await s.canon(['units', 'render', '--out', dir]);
    expect(rendered.code, rendered.stderr).toBe(0);
    const service = await readFile(join(dir, 'canon-sweep.service'), 'utf8');
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toContain(`--config ${s.configPath}`);
    expect(await readFile(join(dir, 'canon-sweep.timer'), 'utf8')).toMatch(/^Persistent=true$/m);
    const verified = await s.canon(['units', 'verify', dir]);
    expect(verified.code, verified.stderr).toBe(0);
    const doctor = await s.canon(['doctor', '--units', dir, '--json']);
    expect(doctor.code, doctor.stdout).toBe(0);
    expect((JSON.parse(doctor.stdout) as { checks: { name: string; ok: boolean }[] }).checks).toContainEqual(expect.objectContaining({ name: 'units', ok: true }));
    // The missing-bash class of bug: doctor runs the same program check as units verify.
    const bare = join(s.dir, 'bare-bin');
    await mkdir(bare, { recursive: true });
    await symlink(execFileSync('sh', ['-c', 'command -v git']).toString().trim(), join(bare, 'git'));
    const noBash = await s.canon(['doctor'], { env: { PATH: bare } });
    expect(noBash.code).toBe(1);
    expect(noBash.stdout).toMatch(/FAIL program: program "bash" is not on PATH/);
    // doctor's only write is its probe in stateDir; the rest of this suite wants none at all.
    await rm(s.stateDir, { recursive: true, force: true });
    await s.writeConfig({ recipes: { alpha: { enrolled: false }, beta: { enrolled: false } } });
    const hollow = await s.canon(['units', 'verify', dir]);
    expect(hollow.code).toBe(1);
    expect(hollow.stderr).toMatch(/problem/);
    expect(existsSync(s.stateDir)).toBe(false);
  });

  it('a hollow sweep, dry run or plan (no enrolled recipe) exits 3 and writes nothing', async () => {
    await s.writeConfig({ recipes: { alpha: { enrolled: false, reason: 'shared OIDC' }, beta: { enrolled: false, reason: 'retired' } } });
    for (const args of [['sweep'], ['sweep', '--dry-run'], ['plan']]) {
      const r = await s.canon(args);
      expect({ args, code: r.code }).toEqual({ args, code: 3 });
      expect(r.stderr).toMatch(/enrols no recipe/);
    }
    expect(existsSync(s.stateDir)).toBe(false);
  });

  it('an unknown --recipe is a usage error (exit 2), nothing written', async () => {
    await s.writeConfig();
    const r = await s.canon(['sweep', '--recipe', 'gamma']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"gamma"');
    expect(existsSync(s.stateDir)).toBe(false);
  });
});
