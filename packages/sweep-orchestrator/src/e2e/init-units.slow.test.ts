import { existsSync } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MIRROR_PLACEHOLDER, UPSTREAM_DEFAULT } from '../init/starter-config.js';
import { createScenario, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

describe('canon init, doctor --offline and the units of a first install', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: ['custom-html'] });
  });
  afterAll(() => s.close());

  it('init writes a starter that doctor and plan accept once its URLs are filled in; never overwrites; creates stateDir only', async () => {
    const configPath = join(s.dir, 'init', 'canon.config.json');
    const stateDir = join(s.dir, 'init-state');
    const init = await s.canon(['init', '--config', configPath, '--state-dir', stateDir]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('defaults.mirror     EDIT');
    expect(existsSync(stateDir)).toBe(true);
    expect(await readdir(stateDir)).toEqual([]);
    const starter = await readFile(configPath, 'utf8');
    const parsed = JSON.parse(starter) as { $schema: string; registryDir?: string };
    expect(existsSync(parsed.$schema), parsed.$schema).toBe(true);
    expect(parsed.registryDir).toBeUndefined();

    const again = await s.canon(['init', '--config', configPath, '--state-dir', stateDir]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists; canon init never overwrites a config');
    expect(await readFile(configPath, 'utf8')).toBe(starter);

    const base = s.fleet.server.baseUrl;
    await writeFile(
      configPath,
      starter
        .replace(MIRROR_PLACEHOLDER, `${base}/ci-mirrors/{recipe}.git`)
        .replace(UPSTREAM_DEFAULT, `${base}/upstream/{recipe}.git`),
    );
    const plan = await s.canon(['plan', '--config', configPath]);
    expect(plan.code, plan.stderr).toBe(0);
    expect(plan.stdout).toContain('custom-html');
    const doctor = await s.canon(['doctor', '--config', configPath]);
    expect(doctor.code, doctor.stdout).toBe(0);
    // Nothing but stateDir: the starter names no registryDir, and plan writes nothing.
    expect(existsSync(join(stateDir, 'registry'))).toBe(false);
  });

  it('doctor --offline checks the settings without touching the network or stateDir', async () => {
    await s.writeConfig({ defaults: { mirror: 'https://unreachable.invalid/{recipe}.git' } });
    const offline = await s.canon(['doctor', '--offline', '--json']);
    expect(offline.code, offline.stdout).toBe(0);
    const names = (JSON.parse(offline.stdout) as { checks: { name: string }[] }).checks.map((c) => c.name);
    expect(names).toContain('config');
    expect(names).not.toContain('stateDir');
    expect(existsSync(s.stateDir)).toBe(false);
    const online = await s.canon(['doctor']);
    expect(online.code).toBe(1);
    await s.writeConfig({ recipes: { 'custom-html': { tset: {} } } });
    expect((await s.canon(['doctor', '--offline'])).code).toBe(2);
    await s.writeConfig({ defaults: { test: { command: ['./run-tests.sh'] } } });
    const relative = await s.canon(['doctor', '--offline']);
    expect(relative.code).toBe(1);
    expect(relative.stdout).toContain('"./run-tests.sh", a relative path');
  });

  it('units render writes the sweep and metrics units; verify names an env var the unit does not set', async () => {
    await s.writeConfig({ forge: { type: 'gitea', url: s.fleet.server.baseUrl, tokenEnv: 'CANON_E2E_TOKEN' } });
    const env = { CANON_E2E_TOKEN: 'e2e-token-0123456789' };
    const dir = join(s.dir, 'units-env');
    const rendered = await s.canon(['units', 'render', '--out', dir], { env });
    expect(rendered.code, rendered.stderr).toBe(0);
    expect((await readdir(dir)).sort()).toEqual(['canon-metrics.service', 'canon-metrics.timer', 'canon-sweep.service', 'canon-sweep.timer']);
    expect(await readFile(join(dir, 'canon-metrics.service'), 'utf8')).toContain(`metrics --out ${join(s.stateDir, 'metrics', 'canon.prom')}`);
    expect(await readFile(join(dir, 'canon-sweep.service'), 'utf8')).toMatch(/ sweep --config \S+ --wait \d+$/m);
    const verified = await s.canon(['units', 'verify', dir], { env });
    expect(verified.code).toBe(1);
    expect(verified.stderr).toContain('[MISSING_ENVIRONMENT]');
    expect(verified.stderr).toContain('CANON_E2E_TOKEN');
    expect(verified.stderr).not.toContain(env.CANON_E2E_TOKEN);
  });
});
