import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCcciHost, startForge, type CcciHost, type ForgeStandIn } from '@canon/testkit';
import { afterAll, beforeAll, beforeEach, expect, it, vi } from 'vitest';
import { runCli, type CliIo } from './main.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

// `canon doctor` on a cc-ci host stand-in: what a sweep needs there, each check failing by name.
type Check = { name: string; ok: boolean; detail: string };

let host: CcciHost;
let forge: ForgeStandIn;
let configPath: string;

function writeConfig(patch: { token?: string; runner?: string; lockDir?: string; mirrorOwner?: string; cwd?: string } = {}): void {
  const tokenFile = join(host.root, 'forge-token');
  writeFileSync(tokenFile, `${patch.token ?? forge.token}\n`);
  writeFileSync(
    configPath,
    JSON.stringify({
      stateDir: join(host.root, 'var', 'lib', 'canon'),
      workDir: join(host.root, 'var', 'cache', 'canon'),
      registryDir: host.warmRoot,
      registryFormat: 'ci-warm',
      forge: { type: 'gitea', url: forge.url, tokenFile },
      defaults: {
        upstream: 'https://127.0.0.1:9/upstream/{recipe}.git',
        mirror: `${forge.url}/${patch.mirrorOwner ?? 'ci-mirrors'}/{recipe}.git`,
        test: { command: ['cc-ci-run', patch.runner ?? host.runner], cwd: patch.cwd ?? host.ccciRepo, env: { RECIPE: '{recipe}', CCCI_REPO: host.ccciRepo } },
        promote: {
          domain: `warm-{recipe}.${host.domainSuffix}`,
          deploy: ['abra', 'app', 'deploy', '{domain}'],
          locks: [join(patch.lockDir ?? host.lockDir, 'cc-ci-app-{domain}.lock')],
        },
      },
      recipes: { gitea: {}, keycloak: { enrolled: false } },
    }),
  );
}

async function doctor(): Promise<{ code: number; checks: Check[] }> {
  const out: string[] = [];
  const io: CliIo = { env: { PATH: `${host.binDir}:${process.env.PATH ?? ''}` }, cwd: host.root, isTTY: false, stdout: (t) => out.push(t), stderr: () => undefined };
  const code = await runCli(['doctor', '--json', '--config', configPath], io);
  return { code, checks: (JSON.parse(out.join('')) as { checks: Check[] }).checks };
}

const named = (checks: Check[], name: string) => checks.filter((c) => c.name === name);

beforeAll(async () => {
  host = await createCcciHost({ recipes: { gitea: {} } });
  forge = await startForge();
  forge.addRepo('ci-mirrors', 'gitea');
  configPath = join(host.root, 'canon.config.json');
  await host.seedRegistry([{ recipe: 'gitea', version: '3.0.0+1.24.2', commit: 'c'.repeat(40) }]);
});
afterAll(async () => {
  await forge.close();
  await host.close();
});
beforeEach(() => writeConfig());

it('passes every host check on a sound cc-ci host, with an authenticated call on the mirror', async () => {
  forge.resetRequests();
  const { checks } = await doctor();
  expect(named(checks, 'registry')).toEqual([expect.objectContaining({ ok: true, detail: expect.stringContaining('1 canonical record(s) parse') })]);
  expect(named(checks, 'program cc-ci-run')).toEqual([expect.objectContaining({ ok: true, detail: host.ccciRun })]);
  expect(named(checks, `test path ${host.runner}`)).toEqual([expect.objectContaining({ ok: true })]);
  expect(named(checks, `lock dir ${host.lockDir}`)).toEqual([expect.objectContaining({ ok: true })]);
  expect(named(checks, 'program flock')).toEqual([expect.objectContaining({ ok: true })]);
  expect(named(checks, `test cwd ${host.ccciRepo}`)).toEqual([expect.objectContaining({ ok: true, detail: expect.stringContaining('test.cwd of gitea') })]);
  expect(named(checks, `suite dir ${join(host.ccciRepo, 'tests')}`)).toEqual([expect.objectContaining({ ok: true, detail: expect.stringContaining(host.runner) })]);
  expect(named(checks, 'forge ci-mirrors/gitea')).toEqual([expect.objectContaining({ ok: true })]);
  expect(forge.requests).toContainEqual(expect.objectContaining({ method: 'GET', path: '/api/v1/repos/ci-mirrors/gitea', status: 200 }));
  expect(forge.requests.map((r) => r.path)).not.toContain('/api/v1/version');
});

it('a record cc-ci could not have written fails the registry check, naming the file', async () => {
  const record = join(host.warmRoot, 'gitea', 'canonical.json');
  writeFileSync(record, '{"recipe": "gitea", "version": ');
  try {
    const { code, checks } = await doctor();
    expect(code).toBe(1);
    expect(named(checks, 'registry')[0]?.ok).toBe(false);
    expect(named(checks, 'registry gitea')).toEqual([expect.objectContaining({ ok: false, detail: expect.stringContaining(record) })]);
  } finally {
    await host.seedRegistry([{ recipe: 'gitea', version: '3.0.0+1.24.2', commit: 'c'.repeat(40) }]);
  }
});

it('a missing runner script fails by its path', async () => {
  const runner = join(host.ccciRepo, 'runner', 'run_recipe_cl.py');
  writeConfig({ runner });
  const { code, checks } = await doctor();
  expect(code).toBe(1);
  expect(named(checks, `test path ${runner}`)).toEqual([expect.objectContaining({ ok: false, detail: expect.stringContaining('test.command of gitea') })]);
});

it('a missing cc-ci-run fails the program check', async () => {
  const out: string[] = [];
  const io: CliIo = { env: { PATH: process.env.PATH ?? '' }, cwd: host.root, isTTY: false, stdout: (t) => out.push(t), stderr: () => undefined };
  expect(await runCli(['doctor', '--json', '--config', configPath], io)).toBe(1);
  const checks = (JSON.parse(out.join('')) as { checks: Check[] }).checks;
  expect(checks).toContainEqual(expect.objectContaining({ name: 'program', ok: false, detail: expect.stringContaining('cc-ci-run') }));
});

it("a runner checkout without its tests/ fails the suite dir check (the hollow sweep), naming the runner", async () => {
  const tests = join(host.ccciRepo, 'tests');
  renameSync(tests, `${tests}.moved`);
  try {
    const { code, checks } = await doctor();
    expect(code).toBe(1);
    expect(named(checks, `test cwd ${host.ccciRepo}`)).toEqual([expect.objectContaining({ ok: true })]);
    expect(named(checks, `suite dir ${tests}`)).toEqual([expect.objectContaining({ ok: false, detail: expect.stringMatching(/^does not exist; the runner .*run_recipe_ci\.py lives in /) })]);
    mkdirSync(tests);
    const empty = await doctor();
    expect(empty.code).toBe(1);
    expect(named(empty.checks, `suite dir ${tests}`)).toEqual([expect.objectContaining({ ok: false, detail: expect.stringMatching(/^is empty; /) })]);
    rmSync(tests, { recursive: true });
  } finally {
    renameSync(`${tests}.moved`, tests);
  }
});

it('a test.cwd that does not exist fails by its path; one outside the runner asks for no tests/', async () => {
  const cwd = join(host.root, 'etc', 'cc-ic');
  writeConfig({ cwd });
  const { code, checks } = await doctor();
  expect(code).toBe(1);
  expect(named(checks, `test cwd ${cwd}`)).toEqual([expect.objectContaining({ ok: false, detail: expect.stringContaining('test.cwd of gitea') })]);
  expect(checks.filter((c) => c.name.startsWith('suite dir'))).toEqual([]);
});

it('a lock path that exists as a directory fails the lock dir check: flock(1) cannot lock it', async () => {
  const lock = join(host.lockDir, `cc-ci-app-warm-gitea.${host.domainSuffix}.lock`);
  mkdirSync(lock);
  try {
    const { code, checks } = await doctor();
    expect(code).toBe(1);
    expect(named(checks, `lock dir ${host.lockDir}`)).toEqual([expect.objectContaining({ ok: false, detail: expect.stringContaining(`${lock} exists but not as a file`) })]);
  } finally {
    rmSync(lock, { recursive: true });
  }
});

it('a lock directory that does not exist fails by its path, and doctor does not create it', async () => {
  const lockDir = join(host.root, 'run', 'lcok');
  writeConfig({ lockDir });
  const { code, checks } = await doctor();
  expect(code).toBe(1);
  expect(named(checks, `lock dir ${lockDir}`)).toEqual([expect.objectContaining({ ok: false })]);
  expect(() => mkdirSync(lockDir)).not.toThrow();
  rmSync(lockDir, { recursive: true });
});

it('a token the forge refuses fails the forge check (the unauthenticated /version would have passed)', async () => {
  writeConfig({ token: 'expired-token' });
  const { code, checks } = await doctor();
  expect(code).toBe(1);
  expect(named(checks, 'forge ci-mirrors/gitea')).toEqual([expect.objectContaining({ ok: false, detail: expect.stringMatching(/HTTP 401: the token was refused/) })]);
});

it('a mirror the token cannot see fails the forge check with 404', async () => {
  writeConfig({ mirrorOwner: 'ci-mirorrs' });
  const { checks } = await doctor();
  expect(named(checks, 'forge ci-mirorrs/gitea')).toEqual([expect.objectContaining({ ok: false, detail: expect.stringMatching(/HTTP 404: the token cannot see/) })]);
});
