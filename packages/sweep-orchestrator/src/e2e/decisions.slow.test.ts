import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commit, deleteTag, moveTag, readRefs, tag } from '@canon/testkit';
import type { RecipeRun } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';

// Each scenario runs the real CLI, git and several processes: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

type Canonical = { schema: 1; recipe: string; version: string; tag: string; commit: string; runId: string; previous: { version: string; commit: string } | null };

async function canonical(s: Scenario, recipe: string): Promise<Canonical | null> {
  const bytes = await s.readCanonical(recipe);
  return bytes === null ? null : (JSON.parse(bytes.toString('utf8')) as Canonical);
}

async function entry(s: Scenario, recipe: string): Promise<RecipeRun> {
  const found = (await s.latestRun()).recipes.find((r) => r.recipe === recipe);
  if (found === undefined) throw new Error(`no ${recipe} in the latest run`);
  return found;
}

describe('a recipe through its life: seed, run twice, untagged work, new release, moved and deleted tags', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'alpha', releases: ['0.1.0+1.0.0', '0.2.0+1.1.0'] }] });
  });
  afterAll(() => s.close());

  it('seed: the newest release is tested at its tag, deployed after a teardown, and recorded with its peeled commit', async () => {
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const tag020 = must(s.fleet.recipe('alpha').upstream.tags.find((t) => t.name === '0.2.0+1.1.0'), 'tag 0.2.0+1.1.0');
    const call = must((await s.calls())[0], 'a test call');
    expect(call).toMatchObject({
      recipe: 'alpha', version: '0.2.0+1.1.0', tag: '0.2.0+1.1.0', commit: tag020.commit,
      upgradeBase: '0.1.0+1.0.0', skipFetch: '1', argv: ['alpha', '0.2.0+1.1.0'],
    });
    expect(call.cwd).toBe(call.checkout);
    const rec = must(await canonical(s, 'alpha'), 'the canonical record');
    const run = await s.latestRun();
    expect(rec).toMatchObject({ schema: 1, recipe: 'alpha', version: '0.2.0+1.1.0', tag: '0.2.0+1.1.0', commit: tag020.commit, runId: run.runId, previous: null });
    expect(rec.commit).not.toBe(tag020.oid);
    expect(run.recipes[0]).toMatchObject({ outcome: 'PROMOTED', decision: { action: 'run', reason: 'seed', latest: '0.2.0+1.1.0', canonical: null } });
    expect(run.summary.PROMOTED).toBe(1);
    const ops = s.warm.events('warm-alpha.ci.test').map((e) => e.op);
    expect(ops.indexOf('teardown')).toBeLessThan(ops.indexOf('deploy'));
    expect(ops).toEqual(expect.arrayContaining(['verify', 'snapshot', 'park']));
    const mirror = await readRefs(s.fleet.recipe('alpha').mirror);
    expect(mirror.refs['refs/heads/main']).toBe(s.fleet.recipe('alpha').upstream.main);
  });

  it('reports and status read the run: Markdown, JSON written atomically with --out, Prometheus', async () => {
    const run = await s.latestRun();
    const md = await s.canon(['report', '--format', 'md']);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain('alpha');
    expect(md.stdout).toContain('PROMOTED');
    const out = join(s.dir, 'reports', 'run.json');
    await mkdir(dirname(out), { recursive: true });
    const json = await s.canon(['report', '--format', 'json', '--run', run.runId, '--out', out]);
    expect(json).toMatchObject({ code: 0, stdout: '' });
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({ runId: run.runId, recipes: [{ recipe: 'alpha', outcome: 'PROMOTED' }] });
    expect((await readdir(dirname(out))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const prom = await s.canon(['report', '--format', 'prom']);
    expect(prom.stdout).toMatch(/recipe="alpha"/);
    const bad = await s.canon(['report', '--format', 'pdf']);
    expect(bad.code).toBe(2);
    const status = await s.canon(['status', '--json']);
    expect(status.code).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject({ runId: run.runId, recipes: [{ recipe: 'alpha', canonical: '0.2.0+1.1.0' }] });
  });

  it('a second sweep right after runs no test and no deploy', async () => {
    const before = (await s.calls()).length;
    const deploys = s.warm.events().length;
    s.fleet.server.resetCounters();
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(0);
    // Refs are listed once per side and handed to the sync: two requests, nothing fetched.
    expect(s.fleet.server.requests.log.map((q) => `${q.repo ?? '?'} ${q.path}`)).toEqual(
      expect.arrayContaining(['upstream/alpha.git /info/refs', 'ci-mirrors/alpha.git /info/refs']),
    );
    expect(s.fleet.server.requests.count).toBe(2);
    expect((await s.calls()).length).toBe(before);
    expect(s.warm.events().length).toBe(deploys);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'no-new-version' } });
  });

  it('untagged commits on main are synced but never trigger a run', async () => {
    const up = s.fleet.recipe('alpha').upstream;
    const head = await commit(up, { files: { 'notes/wip.md': 'wip\n' }, message: 'wip' });
    const before = await s.readCanonical('alpha');
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(0);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'no-new-version' }, sync: { status: 'synced' } });
    expect((await readRefs(s.fleet.recipe('alpha').mirror)).refs['refs/heads/main']).toBe(head);
    expect(await s.readCanonical('alpha')).toEqual(before);
    expect(await s.calls()).toHaveLength(1);
  });

  it('a new release advances the canonical, recording the previous one and the tag commit', async () => {
    const up = s.fleet.recipe('alpha').upstream;
    await commit(up, { files: { VERSION: '0.3.0+1.2.0\n' }, message: 'release 0.3.0' });
    const t = await tag(up, '0.3.0+1.2.0');
    await commit(up, { files: { 'notes/after.md': 'after the tag\n' } });
    const old = must(await canonical(s, 'alpha'), 'the canonical record');
    const r = await s.canon(['sweep']);
    expect(r.code, r.stdout).toBe(0);
    const rec = await canonical(s, 'alpha');
    expect(rec).toMatchObject({ version: '0.3.0+1.2.0', commit: t.commit, previous: { version: old.version, commit: old.commit } });
    expect((await s.calls()).at(-1)).toMatchObject({ version: '0.3.0+1.2.0', commit: t.commit, upgradeBase: '0.2.0+1.1.0' });
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'PROMOTED', decision: { reason: 'new-release', canonical: '0.2.0+1.1.0' } });
    const advance = s.warm.events('warm-alpha.ci.test').filter((e) => e.version === '0.3.0+1.2.0');
    expect(advance.map((e) => e.op)).not.toContain('teardown');
    expect(advance.find((e) => e.op === 'deploy')?.mode).toBe('advance');
  });

  it('a release tag moved upstream is re-tested (tag-moved) and recorded at its new commit', async () => {
    const up = s.fleet.recipe('alpha').upstream;
    const moved = await moveTag(up, '0.3.0+1.2.0', 'main');
    const r = await s.canon(['sweep']);
    expect(r.code, r.stdout).toBe(0);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'PROMOTED', decision: { reason: 'tag-moved' } });
    expect((await canonical(s, 'alpha'))?.commit).toBe(moved.commit);
    expect(r.stdout).toMatch(/warning/);
  });

  it('--force re-tests the canonical release', async () => {
    const calls = (await s.calls()).length;
    const r = await s.canon(['sweep', '--recipe', 'alpha', '--force']);
    expect(r.code, r.stdout).toBe(0);
    expect(await s.calls()).toHaveLength(calls + 1);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'PROMOTED', decision: { reason: 'forced' } });
  });

  it('the newest release deleted upstream: canonical-ahead, skipped with a warning', async () => {
    await deleteTag(s.fleet.recipe('alpha').upstream, '0.3.0+1.2.0');
    const before = await s.readCanonical('alpha');
    const r = await s.canon(['sweep']);
    expect(r.code).toBe(0);
    expect(await entry(s, 'alpha')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'canonical-ahead' } });
    expect(await s.readCanonical('alpha')).toEqual(before);
  });
});

describe('the skip rows of the decision table, hostile tags, and plan', () => {
  let s: Scenario;
  const hostile = ['$(touch${IFS}pwned-1)', ';touch${IFS}pwned-2', '--upload-pack=touch${IFS}pwned-3', 'latest', '1.14.1-rootless_1'];
  beforeAll(async () => {
    s = await createScenario({
      recipes: [
        { name: 'keycloak', releases: ['1.0.0+26.0.0'] },
        { name: 'fresh', releases: [] },
        { name: 'held', releases: ['1.0.0+1'] },
        { name: 'gitea', releases: ['3.5.0+1.24.1-rootless', '3.6.0+1.24.2-rootless'] },
        { name: 'odd', releases: ['0.1.0+1'] },
      ],
    });
    for (const name of hostile) await tag(s.fleet.recipe('odd').upstream, name, 'main', { annotated: false });
    await s.busy(['held']);
    await s.writeConfig({
      recipes: {
        keycloak: { enrolled: false, reason: 'warm domain is the live shared OIDC provider' },
        gitea: { block: [{ version: '3.6.0+1.24.2-rootless', reason: 'upstream bug #123' }] },
      },
    });
  });
  afterAll(() => s.close());

  it('plan decides every recipe from upstream and writes nothing', async () => {
    const r = await s.canon(['plan', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const plan = JSON.parse(r.stdout) as { recipes: { recipe: string; action: string; reason: string; ignored: { name: string }[] }[] };
    const by = Object.fromEntries(plan.recipes.map((p) => [p.recipe, p]));
    expect(by.keycloak).toMatchObject({ action: 'skip', reason: 'not-enrolled' });
    expect(by.fresh).toMatchObject({ action: 'skip', reason: 'never-released' });
    expect(by.gitea).toMatchObject({ action: 'skip', reason: 'blocked' });
    expect(by.odd).toMatchObject({ action: 'run', reason: 'seed' });
    expect(must(by.odd, 'odd').ignored.map((i) => i.name).sort()).toEqual([...hostile].sort());
    expect(existsSync(s.stateDir)).toBe(false);
    expect((await readRefs(s.fleet.recipe('odd').mirror)).refs).toEqual({});
    const dry = await s.canon(['sweep', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(existsSync(s.stateDir)).toBe(false);
  });

  it('sweep: not-enrolled (with its reason), never-released, busy and blocked are skipped; hostile tags never run anything', async () => {
    const r = await s.canon(['sweep', '--json']);
    expect(r.code, r.stdout).toBe(0);
    const run = await s.latestRun();
    const by = Object.fromEntries(run.recipes.map((e) => [e.recipe, e]));
    expect(by.keycloak).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'not-enrolled' } });
    expect(must(by.keycloak, 'keycloak').detail).toContain('live shared OIDC provider');
    expect(by.fresh).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'never-released' } });
    expect(by.held).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'busy' } });
    expect(by.gitea).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'blocked' } });
    expect(must(by.gitea, 'gitea').detail).toContain('upstream bug #123');
    expect(by.odd).toMatchObject({ outcome: 'PROMOTED', tested: { tag: '0.1.0+1' } });
    expect((await s.calls()).map((c) => c.recipe)).toEqual(['odd']);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    expect(events[0]?.type).toBe('run-start');
    expect(events.at(-1)?.type).toBe('run-end');
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const d of await readdir(dir, { withFileTypes: true })) {
        if (d.name.includes('pwned')) found.push(join(dir, d.name));
        if (d.isDirectory()) await walk(join(dir, d.name));
      }
    };
    await walk(s.dir);
    expect(found.filter((f) => !f.includes('/refs/tags/') && !f.includes('.git/'))).toEqual([]);
  });

  it('doctor checks config, programs, state dir and every enrolled remote; an outage fails it', async () => {
    const ok = await s.canon(['doctor', '--json']);
    expect(ok.code, ok.stdout).toBe(0);
    const report = JSON.parse(ok.stdout) as { ok: boolean; checks: { name: string; ok: boolean }[] };
    expect(report.checks.map((c) => c.name)).toEqual(expect.arrayContaining(['config', 'enrolled', 'stateDir', 'odd upstream', 'odd mirror']));
    s.fleet.server.setFault('upstream/fresh', 'outage');
    try {
      const down = await s.canon(['doctor']);
      expect(down.code).toBe(1);
      expect(down.stdout).toMatch(/FAIL fresh upstream/);
    } finally {
      s.fleet.server.setFault('upstream/fresh', null);
    }
  });

  it('sync brings a new upstream release to the mirror; promote of that tagged version passes the gate and deploys it', async () => {
    const up = s.fleet.recipe('odd').upstream;
    await commit(up, { files: { VERSION: '0.2.0+1\n' } });
    const t = await tag(up, '0.2.0+1');
    const synced = await s.canon(['sync', '--recipe', 'odd']);
    expect(synced.code, synced.stdout + synced.stderr).toBe(0);
    expect(synced.stdout).toMatch(/^odd: synced/m);
    expect((await readRefs(s.fleet.recipe('odd').mirror)).refs['refs/tags/0.2.0+1']).toBe(t.oid);
    const r = await s.canon(['promote', '--recipe', 'odd', '--version', '0.2.0+1']);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/odd: PROMOTED/);
    const rec = JSON.parse(must(await s.readCanonical('odd'), 'odd canonical').toString('utf8')) as { version: string; commit: string; previous: { version: string } };
    expect(rec).toMatchObject({ version: '0.2.0+1', commit: t.commit, previous: { version: '0.1.0+1' } });
    const deploy = s.warm.events('warm-odd.ci.test').find((e) => e.op === 'deploy' && e.version === '0.2.0+1');
    expect(deploy).toMatchObject({ outcome: 'ok', mode: 'advance' });
  });

  it('upgrade-base prints the newest older release on the mirror, or nothing and exit 1', async () => {
    const r = await s.canon(['upgrade-base', 'gitea', '3.6.0+1.24.2-rootless']);
    expect(r).toMatchObject({ code: 0, stdout: '3.5.0+1.24.1-rootless\n' });
    const none = await s.canon(['upgrade-base', 'gitea', '3.5.0+1.24.1-rootless']);
    expect(none).toMatchObject({ code: 1, stdout: '' });
  });

  it('gate prints its verdict with every reason; promote refuses untagged, quick, ref, older and blocked versions', async () => {
    const ok = await s.canon(['gate', '--recipe', 'odd', '--version', '0.1.0+1', '--exit-code', '0']);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ promote: true, reasons: [] });
    const bad = await s.canon(['gate', '--recipe', 'keycloak', '--version', '9.9.9+1', '--exit-code', '1', '--quick', '--ref', 'feature']);
    expect(bad.code).toBe(1);
    const codes = (JSON.parse(bad.stdout) as { reasons: { code: string }[] }).reasons.map((x) => x.code).sort();
    expect(codes).toEqual(['not-a-release-tag', 'not-enrolled', 'quick-run', 'ref-override', 'suite-red']);
    const before = await s.readCanonical('odd');
    const refused = await s.canon(['promote', '--recipe', 'odd', '--version', 'latest']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/refused/);
    const quick = await s.canon(['promote', '--recipe', 'odd', '--version', '0.1.0+1', '--quick']);
    expect(quick.code).toBe(1);
    const older = await s.canon(['promote', '--recipe', 'odd', '--version', '0.1.0+1']);
    expect(older.code).toBe(1);
    expect(older.stderr).toMatch(/older than the canonical 0\.2\.0\+1/);
    expect(await s.readCanonical('odd')).toEqual(before);
    const blocked = await s.canon(['promote', '--recipe', 'gitea', '--version', '3.6.0+1.24.2-rootless', '--json']);
    expect(blocked.code).toBe(1);
    expect(JSON.parse(blocked.stdout)).toMatchObject({ promoted: false, reasons: [{ code: 'blocked', message: expect.stringMatching(/upstream bug #123/) }] });
    expect(await s.readCanonical('gitea')).toBeNull();
  });
});

describe('the upgrade base is the last known-good, not a newer release that failed', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'alpha', releases: ['1.0.0+1'] }] });
  });
  afterAll(() => s.close());

  it('1.0.0 known-good, 1.1.0 red, 1.2.0 tested with CANON_UPGRADE_BASE=1.0.0', async () => {
    expect((await s.canon(['sweep'])).code).toBe(0);
    const up = s.fleet.recipe('alpha').upstream;
    await commit(up, { files: { VERSION: '1.1.0+1\n' } });
    await tag(up, '1.1.0+1');
    await s.behave({ 'alpha@1.1.0+1': 'fail' });
    expect((await s.canon(['sweep'])).code).toBe(1);
    await commit(up, { files: { VERSION: '1.2.0+1\n' } });
    await tag(up, '1.2.0+1');
    expect((await s.canon(['sweep'])).code).toBe(0);
    expect((await s.calls()).map((c) => [c.version, c.upgradeBase])).toEqual([
      ['1.0.0+1', ''],
      ['1.1.0+1', '1.0.0+1'],
      ['1.2.0+1', '1.0.0+1'],
    ]);
    const cmd = await s.canon(['upgrade-base', 'alpha', '1.3.0+1']);
    expect(cmd.stdout).toBe('1.2.0+1\n');
  });
});

describe('a recipe whose tags carry a leading v', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: [{ name: 'vee', releases: ['v1.0.0+1'] }] });
  });
  afterAll(() => s.close());

  it('is recorded at its version and not tested again by the next sweep', async () => {
    expect((await s.canon(['sweep'])).code).toBe(0);
    const record = JSON.parse(must(await s.readCanonical('vee'), 'canonical.json').toString()) as { version: string; tag: string };
    expect([record.version, record.tag]).toEqual(['1.0.0+1', 'v1.0.0+1']);
    expect((await s.canon(['sweep'])).code).toBe(0);
    expect((await s.latestRun()).recipes.map((r) => [r.outcome, r.decision?.reason])).toEqual([['SKIPPED', 'no-new-version']]);
    expect((await s.calls()).map((c) => c.version)).toEqual(['1.0.0+1']);
  });
});
