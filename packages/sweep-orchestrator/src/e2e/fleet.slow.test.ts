// The fleet at a glance through the built CLI: a partial run hides no recipe and does not
// count as the last completed sweep; `canon metrics` says "missed" when the timer stopped;
// status, report and history need no forge secret; seeds wait while the disk is over budget.

import { execFileSync, spawnSync } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { commit, tag } from '@canon/testkit';
import type { RunRecord } from '@canon/warm-registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createScenario, waitFor, type Scenario } from '../testing/e2e-harness.js';

vi.setConfig({ testTimeout: 120_000, hookTimeout: 300_000 });

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const sample = (text: string, series: string): string | undefined => text.split('\n').find((l) => l.startsWith(`${series} `))?.slice(series.length + 1);

type Status = {
  runId: string; lastCompletedAt: string | null; sweepMissed: boolean; diskWarning: string | null;
  inProgress: { holder: { recipe: string | null; phase: string | null; runId: string } | null } | null;
  recipes: { recipe: string; canonical: string | null; outcome: string | null; run: string | null; evidence: { log: string; line: string | null } | null }[];
};

describe('the fleet at a glance after a partial run, a stopped timer and a full disk', () => {
  let s: Scenario;
  let full: RunRecord;
  let fullBytes: string;
  const latestFull = (): string => join(s.stateDir, 'runs', 'latest-full.json');
  const status = async (): Promise<Status> => {
    const r = await s.canon(['status', '--json']);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as Status;
  };

  beforeAll(async () => {
    s = await createScenario({
      recipes: [
        { name: 'alpha', releases: ['0.1.0+1.0.0'] }, { name: 'beta', releases: ['0.1.0+1.0.0'] },
        { name: 'gamma', releases: ['0.1.0+1.0.0'] }, { name: 'delta', releases: ['0.1.0+1.0.0'] },
      ],
      config: { recipes: { delta: { enrolled: false, reason: 'enrolled later' } }, defaults: { test: { failurePattern: '^not ok ' } } },
    });
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    fullBytes = await readFile(latestFull(), 'utf8');
    full = JSON.parse(fullBytes) as RunRecord;
  });
  afterAll(() => s.close());

  it('a --recipe --force run leaves the whole fleet in status, dashboard and metrics, and the last full sweep as it was', async () => {
    await s.behave({ beta: 'fail' });
    const partial = await s.canon(['sweep', '--recipe', 'beta', '--force']);
    expect(partial.code, partial.stderr + partial.stdout).toBe(1);
    const run = await s.latestRun();
    expect(run.recipes.map((r) => r.recipe)).toEqual(['beta']);
    expect(await readFile(latestFull(), 'utf8')).toBe(fullBytes);

    const st = await status();
    expect(st.runId).toBe(run.runId);
    expect(st.lastCompletedAt).toBe(full.finishedAt);
    expect(st.sweepMissed).toBe(false);
    const by = Object.fromEntries(st.recipes.map((r) => [r.recipe, r]));
    expect(Object.keys(by).sort()).toEqual(['alpha', 'beta', 'delta', 'gamma']);
    expect(by.alpha).toMatchObject({ canonical: '0.1.0+1.0.0', outcome: 'PROMOTED', run: full.runId });
    expect(by.gamma).toMatchObject({ canonical: '0.1.0+1.0.0', outcome: 'PROMOTED', run: full.runId });
    expect(by.beta).toMatchObject({ canonical: '0.1.0+1.0.0', outcome: 'FAILED', run: run.runId, evidence: { log: `runs/${run.runId}/beta/test.log` } });

    const html = await s.canon(['report', '--format', 'html']);
    expect(html.stdout.match(/<tr data-recipe="(alpha|beta|gamma|delta)"/g)?.sort()).toEqual(
      ['alpha', 'beta', 'delta', 'gamma'].map((r) => `<tr data-recipe="${r}"`),
    );
    expect(html.stdout).toContain(`<a href="runs/${run.runId}/beta/test.log">test</a>`);

    const out = join(s.dir, 'textfile', 'nested', 'canon.prom');
    const m = await s.canon(['metrics', '--out', out]);
    expect(m, m.stderr).toMatchObject({ code: 0, stdout: '' });
    const prom = await readFile(out, 'utf8');
    expect(Number(sample(prom, 'canon_sweep_last_completed_timestamp_seconds'))).toBe(Date.parse(full.finishedAt ?? '') / 1000);
    expect(sample(prom, 'canon_sweep_missed')).toBe('0');
    expect(sample(prom, 'canon_recipe_outcome{recipe="alpha",outcome="PROMOTED"}')).toBe('1');
    expect(sample(prom, 'canon_recipe_outcome{recipe="beta",outcome="FAILED"}')).toBe('1');
    expect(sample(prom, 'canon_recipe_test_verdict{recipe="beta",verdict="red"}')).toBe('1');
    expect(sample(prom, 'canon_sweep_exit_code')).toBe('0');
    expect(sample(prom, 'canon_recipe_behind{recipe="alpha"}')).toBe('0');
    expect((await readdir(join(s.dir, 'textfile', 'nested'))).sort()).toEqual(['canon.prom']);
    if (hasPromtool) expect(execFileSync('promtool', ['check', 'metrics'], { input: prom, encoding: 'utf8' })).toBe('');

    const history = await s.canon(['history', '--recipe', 'alpha']);
    expect(history.code, history.stderr).toBe(0);
    expect(history.stdout).toMatch(/^\S+ {2}promoted {2}0\.1\.0\+1\.0\.0 {2}run /m);
    expect(history.stdout).toContain('last attempt: 0.1.0+1.0.0 PROMOTED');
    const json = JSON.parse((await s.canon(['history', '--recipe', 'beta', '--json'])).stdout) as { lastAttempt: { outcome: string; runId: string } };
    expect(json.lastAttempt).toMatchObject({ outcome: 'FAILED', runId: run.runId });
    expect((await s.canon(['history', '--recipe', 'nope'])).code).toBe(2);
  });

  it('status shows the sweep in progress: its run, recipe and phase', async () => {
    await s.behave({ alpha: 'sleep:6' });
    const { done } = s.start(['sweep', '--recipe', 'alpha', '--force']);
    const seen = await waitFor(async () => {
      const st = await status();
      return st.inProgress?.holder?.phase === 'test' ? st.inProgress : null;
    }, 30_000, 'the sweep holding the lock in its test phase');
    expect(seen.holder).toMatchObject({ recipe: 'alpha', phase: 'test' });
    expect((await s.canon(['status'])).stdout).toMatch(/^sweep in progress: run \S+ \(pid \d+ on .+\), alpha: test, for \d+s$/m);
    expect((await done).code).toBe(0);
    expect((await status()).inProgress).toBeNull();
    expect(await readFile(latestFull(), 'utf8')).toBe(fullBytes);
  });

  it('status, report and history need no forge secret; a sweep still does', async () => {
    await s.writeConfig({ forge: { type: 'gitea', url: 'https://git.example.org', tokenEnv: 'CANON_E2E_UNSET_TOKEN' } });
    const env = { CANON_E2E_UNSET_TOKEN: '' };
    for (const args of [['status'], ['report', '--format', 'md'], ['history', '--recipe', 'alpha'], ['metrics', '--out', join(s.dir, 'm.prom')]]) {
      const r = await s.canon(args, { env });
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
    }
    const plan = await s.canon(['plan'], { env });
    expect(plan.code).toBe(2);
    expect(plan.stderr).toContain('CANON_E2E_UNSET_TOKEN');
    await s.writeConfig();
  });

  it('canon metrics with a stopped timer (the last full sweep older than the schedule allows) reports missed = 1', async () => {
    const stale = { ...full, startedAt: new Date(Date.now() - 10 * 86_400_000).toISOString(), finishedAt: new Date(Date.now() - 10 * 86_400_000 + 60_000).toISOString() };
    await writeFile(latestFull(), `${JSON.stringify(stale, null, 2)}\n`);
    const out = join(s.dir, 'canon.prom');
    expect((await s.canon(['metrics', '--out', out])).code).toBe(0);
    const prom = await readFile(out, 'utf8');
    expect(sample(prom, 'canon_sweep_missed')).toBe('1');
    expect(Number(sample(prom, 'canon_sweep_last_completed_timestamp_seconds'))).toBe(Date.parse(stale.finishedAt) / 1000);
    expect((await s.canon(['status'])).stdout).toMatch(/^WARNING: sweep missed: the last completed sweep finished /m);
    await writeFile(latestFull(), fullBytes);
  });

  it('over diskBudgetGiB a seed is skipped disk-budget while an advance still runs, and every report warns', async () => {
    const up = s.fleet.recipe('alpha').upstream;
    await commit(up, { files: { VERSION: '0.2.0+1.0.0\n' }, message: 'release 0.2.0' });
    await tag(up, '0.2.0+1.0.0');
    await s.behave({});
    // Three warm volumes of 1 MiB each are recorded; the budget is half of one.
    await s.writeConfig({ diskBudgetGiB: 0.0005, recipes: { delta: { enrolled: true, reason: null } } });
    const r = await s.canon(['sweep']);
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const run = await s.latestRun();
    const by = Object.fromEntries(run.recipes.map((e) => [e.recipe, e]));
    expect(by.alpha).toMatchObject({ outcome: 'PROMOTED', decision: { reason: 'new-release' } });
    expect(by.delta).toMatchObject({ outcome: 'SKIPPED', decision: { action: 'skip', reason: 'disk-budget' } });
    expect(by.delta?.detail).toMatch(/disk-budget/);
    expect(await s.readCanonical('delta')).toBeNull();
    expect(s.warm.events('warm-delta.ci.test')).toEqual([]);

    expect((await status()).diskWarning).toMatch(/^warm volumes use /);
    expect((await s.canon(['report', '--format', 'md'])).stdout).toContain('**Warning: disk budget.**');
    expect((await s.canon(['report', '--format', 'html'])).stdout).toContain('Disk budget exceeded.');
    const prom = (await s.canon(['report', '--format', 'prom'])).stdout;
    expect(Number(sample(prom, 'canon_disk_used_bytes'))).toBeGreaterThan(Number(sample(prom, 'canon_disk_budget_bytes')));
    expect(sample(prom, 'canon_disk_budget_bytes')).toBe(String(Math.round(0.0005 * 1024 ** 3)));
  });
});
