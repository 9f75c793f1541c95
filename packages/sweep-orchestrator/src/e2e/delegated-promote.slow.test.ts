import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, must, type Scenario } from '../testing/e2e-harness.js';

// The real CLI and a real fleet: generous limits for loaded CI machines.
vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const LOCK = '/run/lock/cc-ci-app-{domain}.lock';
const delegated = (own: Record<string, unknown> = {}) => ({
  recipes: { alpha: { ...own, promote: { by: 'test', rollback: false, ...(own.promote as object | undefined) } } },
});

describe('promote.by "test": what the runner would undo is a config error, and canon never records such a recipe by hand', () => {
  let s: Scenario;
  beforeAll(async () => {
    s = await createScenario({ recipes: ['alpha'] });
  });
  afterAll(() => s.close());

  it.each([
    { why: 'rollback: true', patch: delegated({ promote: { rollback: true } }), path: 'recipes.alpha.promote.rollback' },
    { why: 'mode "live"', patch: delegated({ promote: { mode: 'live', backup: ['true'] } }), path: 'recipes.alpha.promote.mode' },
    { why: 'promote.locks', patch: delegated({ promote: { locks: [LOCK] } }), path: 'recipes.alpha.promote.locks' },
    { why: 'flaky "hold"', patch: delegated({ test: { flaky: 'hold' } }), path: 'recipes.alpha.test.flaky' },
    { why: 'baseline "on-red"', patch: delegated({ test: { baseline: 'on-red' } }), path: 'recipes.alpha.test.baseline' },
    { why: 'a waiver', patch: delegated({ waive: [{ version: '1.0.0', reason: 'upstream flake', expires: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10) }] }), path: 'recipes.alpha.waive' },
    { why: 'execution.mode "queue"', patch: { ...delegated(), execution: { mode: 'queue', redis: { url: 'redis://127.0.0.1:1' } } }, path: 'execution.mode' },
  ])('$why: canon plan exits 2 naming $path and promote.by, and writes nothing', async ({ patch, path }) => {
    await s.writeConfig(patch);
    const r = await s.canon(['plan']);
    expect(r.code, r.stderr).toBe(2);
    const line = r.stderr.split('\n').find((l) => l.trim().startsWith(`${path}:`));
    expect(line, r.stderr).toMatch(/not allowed with promote\.by "test"/);
    expect(existsSync(s.stateDir)).toBe(false);
  });

  it('canon adopt and canon promote of such a recipe exit 2 naming promote.by, and write nothing', async () => {
    await s.writeConfig(delegated());
    const version = must(s.fleet.recipe('alpha').upstream.tags.at(-1), "alpha's newest tag").name;
    for (const args of [['adopt', '--recipe', 'alpha', '--version', version, '--reason', 'running before canon'], ['promote', '--recipe', 'alpha', '--version', version]]) {
      const r = await s.canon(args);
      expect(r.code, `${args[0]}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(/recipe alpha has promote\.by "test"/);
    }
    expect(existsSync(s.stateDir)).toBe(false);
    expect(s.warm.events()).toEqual([]);
  });
});

// A test command that promotes by itself, as cc-ci's runner does: it writes its own record
// (cc-ci's keys and formats), then exits.
const RUNNER = String.raw`
const [registryDir, recipe, version, commit, exit] = process.argv.slice(1);
const fs = require('node:fs');
fs.mkdirSync(registryDir + '/' + recipe, { recursive: true });
fs.writeFileSync(registryDir + '/' + recipe + '/canonical.json', JSON.stringify({
  recipe, domain: 'warm-' + recipe + '.ci.test', version, commit, status: 'idle',
  ts: new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, ''),
}));
fs.appendFileSync(registryDir + '/../runner-calls.txt', recipe + ' ' + process.cwd() + '\n');
process.exit(Number(exit));
`;

describe('promote.by "test" in a sweep: canon deploys nothing, and reads the outcome from the record', () => {
  let s: Scenario;
  const runner = (exit: number) => ({
    // The runner lives in its own checkout and runs there (test.cwd), as cc-ci's does in /etc/cc-ci.
    test: { cwd: s.dir, command: [process.execPath, '-e', RUNNER, join(s.stateDir, 'registry'), '{recipe}', '{version}', '{commit}', String(exit)] },
    promote: { by: 'test', rollback: false },
  });
  beforeAll(async () => {
    s = await createScenario({ recipes: ['green', 'redwrites', 'guarded'] });
    // canon's own deploy, teardown, verify, snapshot and park stay configured in defaults (the harness's).
    await s.writeConfig({
      recipes: { green: runner(0), redwrites: runner(1), guarded: runner(0) },
      protectedDomains: ['warm-guarded.ci.test'],
    });
  });
  afterAll(() => s.close());

  it('green + recorded → PROMOTED; a red run that changed the record → ERROR; a protected domain is skipped before its test', async () => {
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr).toBe(1);
    const run = await s.latestRun();
    const of = (name: string) => must(run.recipes.find((e) => e.recipe === name), name);
    expect(of('green'), of('green').detail).toMatchObject({ outcome: 'PROMOTED' });
    expect(of('redwrites').outcome).toBe('ERROR');
    expect(of('redwrites').detail).toMatch(/the test command changed the canonical on a failed run/);
    expect(of('guarded')).toMatchObject({ outcome: 'SKIPPED', decision: { reason: 'protected-domain' } });
    // The runner ran, in test.cwd, for the two recipes canon tested, never for the protected one.
    expect((await readFile(join(s.stateDir, 'runner-calls.txt'), 'utf8')).trim().split('\n').sort()).toEqual([`green ${s.dir}`, `redwrites ${s.dir}`]);
    expect(await s.readCanonical('guarded')).toBeNull();
    // canon's own deploy commands are configured but never ran: no teardown, deploy, verify, snapshot or park.
    expect(s.warm.events()).toEqual([]);
  });
});
