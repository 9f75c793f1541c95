import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCcciScenario, type CcciScenario } from '../testing/ccci-scenario.js';
import { must } from '../testing/e2e-harness.js';

// Real git, the built CLI and the cc-ci host stand-in: generous limits.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

type Check = { name: string; ok: boolean; detail: string };
const VERSION = '3.0.0+1.27.2';

describe('canon doctor on a cc-ci host, configured as docs/cc-ci.md says', () => {
  let s: CcciScenario;
  const doctor = async (): Promise<{ code: number | null; checks: Check[] }> => {
    // abra is the host's (traefik's and keycloak's live deploys name it), as on cc-ci's PATH.
    const r = await s.canon(['doctor', '--json'], { env: { PATH: `${s.host.binDir}:${process.env.PATH ?? ''}` } });
    return { code: r.code, checks: (JSON.parse(r.stdout) as { checks: Check[] }).checks };
  };
  const named = (checks: Check[], name: string): Check => must(checks.find((c) => c.name === name), `the "${name}" check`);

  beforeAll(async () => {
    const names = ['traefik', 'keycloak', 'custom-html', 'gitea'];
    s = await createCcciScenario({ recipes: names.map((name) => ({ name, releases: [VERSION] })), behaviour: { 'custom-html': {}, gitea: {} } });
    await s.host.seedRegistry(names.map((recipe) => ({ recipe, version: VERSION, commit: must(s.fleet.recipe(recipe).upstream.tags[0]?.commit, recipe) })));
    await s.writeConfig([]);
  });
  afterAll(() => s.close());

  it('passes: the runner, cc-ci-run, the runner checkout and its tests/, every lock directory, the registry and the forge', async () => {
    const { code, checks } = await doctor();
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(code).toBe(0);
    expect(named(checks, 'program flock').ok).toBe(true);
    expect(named(checks, `test path ${s.host.runner}`).detail).toContain('custom-html');
    expect(named(checks, `test cwd ${s.host.ccciRepo}`).detail).toContain('test.cwd of');
    expect(named(checks, `suite dir ${join(s.host.ccciRepo, 'tests')}`).detail).toMatch(/^holds 2 entries/);
    expect(named(checks, `lock dir ${s.host.lockDir}`).detail).toBe('exists (2 lock file(s))');
    expect(named(checks, 'registry').detail).toContain('4 canonical record(s) parse');
  });

  it('fails by name when the runner checkout lacks tests/ (the hollow sweep) or the lock directory is gone', async () => {
    const tests = join(s.host.ccciRepo, 'tests');
    renameSync(tests, `${tests}.store-copy`);
    renameSync(s.host.lockDir, `${s.host.lockDir}.gone`);
    try {
      const { code, checks } = await doctor();
      expect(code).toBe(1);
      expect(checks.filter((c) => !c.ok).map((c) => c.name)).toEqual([`suite dir ${tests}`, `lock dir ${s.host.lockDir}`]);
    } finally {
      renameSync(`${tests}.store-copy`, tests);
      renameSync(`${s.host.lockDir}.gone`, s.host.lockDir);
    }
  });
});
