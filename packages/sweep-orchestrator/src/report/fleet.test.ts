import { describe, expect, it } from 'vitest';
import { renderReport, renderStatus } from './index.js';
import { PARTIAL_RUN, partialFleetContext } from '../testing/fleet-fixtures.js';

const samples = (text: string, metric: string): string[] => text.split('\n').filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));
const FLEET = ['authentik', 'custom-html', 'discourse', 'gitea', 'hedgedoc', 'lasuite-docs', 'matrix-synapse', 'nextcloud'];

describe('reports describe the fleet, not the last run', () => {
  it('status after a partial run lists every recipe, from the run that last touched it', () => {
    const status = JSON.parse(renderStatus(partialFleetContext(), { json: true, color: false })) as {
      runId: string; lastCompletedAt: string; sweepMissed: boolean; diskWarning: string | null;
      recipes: { recipe: string; run: string | null; outcome: string | null; evidence: unknown; lastAttempt: unknown }[];
    };
    expect(status.runId).toBe(PARTIAL_RUN);
    expect(status.lastCompletedAt).toBe('2026-11-22T04:12:40.000Z');
    expect(status.sweepMissed).toBe(false);
    expect(status.recipes.map((r) => r.recipe)).toEqual(expect.arrayContaining(FLEET));
    expect(status.recipes.find((r) => r.recipe === 'gitea')).toMatchObject({ run: '20261122T030002Z-4f2a', outcome: 'PROMOTED', lastAttempt: { outcome: 'PROMOTED' } });
    expect(status.recipes.find((r) => r.recipe === 'hedgedoc')).toMatchObject({
      run: PARTIAL_RUN, outcome: 'FAILED', evidence: { log: `runs/${PARTIAL_RUN}/hedgedoc/test.log`, line: 'not ok 5 - login page renders: HTTP 500' },
    });
    expect(status.diskWarning).toMatch(/^warm volumes use 210\.0 GiB of the 200\.0 GiB budget \(diskBudgetGiB\): new recipes are not seeded \(disk-budget\)/);
  });

  it('status text shows the last full sweep, the evidence under the failed row, the disk warning and held majors', () => {
    const out = renderStatus(partialFleetContext(), { json: false, color: false });
    const lines = out.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      `last run ${PARTIAL_RUN} finished 2026-11-23T08:01:02.000Z`,
      'last full sweep finished 2026-11-22T04:12:40.000Z',
      expect.stringMatching(/^WARNING: warm volumes use 210\.0 GiB of the 200\.0 GiB budget/),
    ]);
    const hedgedoc = lines.findIndex((l) => l.startsWith('hedgedoc '));
    expect(lines[hedgedoc + 1]).toBe(`  runs/${PARTIAL_RUN}/hedgedoc/test.log: not ok 5 - login page renders: HTTP 500`);
    expect(lines[hedgedoc + 2]).toBe(`  last test 2.1.0+1.10.3 FAILED 59m ago (run ${PARTIAL_RUN})`);
    const discourse = lines.findIndex((l) => l.startsWith('discourse '));
    expect(lines[discourse + 2]).toBe('  last test 0.7.1+3.4.1 FAILED 1d ago (run 20261122T030002Z-4f2a)');
    expect(lines.find((l) => l.includes('last test 3.6.0'))).toBeUndefined();
    expect(out).toContain('Pending approval: nextcloud 31.0.0+32.0.0-fpm (canon approve --recipe nextcloud --version 31.0.0+32.0.0-fpm --reason <why>)');
  });

  it('shows the sweep in progress: who holds the lock, on which recipe and phase, for how long', () => {
    const ctx = partialFleetContext();
    ctx.inProgress = { holder: { pid: 4242, host: 'ci1', runId: 'R9', startedAt: '2026-11-23T08:55:00.000Z', recipe: 'gitea', phase: 'test' } };
    expect(renderStatus(ctx, { json: false, color: false })).toContain('sweep in progress: run R9 (pid 4242 on ci1), gitea: test, for 5m');
  });

  it('metrics: every fleet series, the last full sweep and the disk against the budget', () => {
    const prom = renderReport('prom', partialFleetContext());
    expect(samples(prom, 'canon_sweep_last_completed_timestamp_seconds')).toEqual(['canon_sweep_last_completed_timestamp_seconds 1795320760']);
    expect(samples(prom, 'canon_recipe_outcome').filter((l) => l.endsWith(' 1')).map((l) => /recipe="([^"]+)"/.exec(l)?.[1])).toEqual(expect.arrayContaining([...FLEET, 'keycloak']));
    expect(samples(prom, 'canon_recipe_outcome')).toContain('canon_recipe_outcome{recipe="hedgedoc",outcome="FAILED"} 1');
    expect(samples(prom, 'canon_recipe_canonical_timestamp_seconds')).toContain('canon_recipe_canonical_timestamp_seconds{recipe="gitea"} 1795317031');
    expect(samples(prom, 'canon_recipe_last_attempt_timestamp_seconds')).toEqual([
      'canon_recipe_last_attempt_timestamp_seconds{recipe="discourse"} 1795317600',
      'canon_recipe_last_attempt_timestamp_seconds{recipe="gitea"} 1795317000',
      'canon_recipe_last_attempt_timestamp_seconds{recipe="hedgedoc"} 1795420860',
    ]);
    expect(samples(prom, 'canon_recipe_behind')).toEqual(expect.arrayContaining([
      'canon_recipe_behind{recipe="gitea"} 0', 'canon_recipe_behind{recipe="discourse"} 1', 'canon_recipe_behind{recipe="nextcloud"} 1',
    ]));
    expect(samples(prom, 'canon_recipe_behind').some((l) => l.includes('lasuite-docs'))).toBe(false);
    expect(samples(prom, 'canon_recipe_test_verdict').filter((l) => l.endsWith(' 1'))).toEqual([
      'canon_recipe_test_verdict{recipe="authentik",verdict="green"} 1',
      'canon_recipe_test_verdict{recipe="custom-html",verdict="green"} 1',
      'canon_recipe_test_verdict{recipe="discourse",verdict="red"} 1',
      'canon_recipe_test_verdict{recipe="gitea",verdict="green"} 1',
      'canon_recipe_test_verdict{recipe="hedgedoc",verdict="red"} 1',
      'canon_recipe_test_verdict{recipe="matrix-synapse",verdict="green"} 1',
    ]);
    expect(samples(prom, 'canon_recipe_held').filter((l) => l.endsWith(' 1'))).toEqual(['canon_recipe_held{recipe="nextcloud"} 1']);
    expect(samples(prom, 'canon_sweep_duration_seconds')).toEqual(['canon_sweep_duration_seconds 4358']);
    expect(samples(prom, 'canon_sweep_exit_code')).toEqual(['canon_sweep_exit_code 1']);
    expect(samples(prom, 'canon_build_info')).toEqual(['canon_build_info{version="0.1.0"} 1']);
    expect(samples(prom, 'canon_disk_used_bytes')).toEqual([`canon_disk_used_bytes ${210 * 1024 ** 3}`]);
    expect(samples(prom, 'canon_disk_budget_bytes')).toEqual([`canon_disk_budget_bytes ${200 * 1024 ** 3}`]);
  });

  it('metrics: no full sweep yet means last completed 0 and missed 1, whatever partial runs did', () => {
    const ctx = partialFleetContext();
    ctx.lastFull = null;
    const prom = renderReport('prom', ctx);
    expect(samples(prom, 'canon_sweep_last_completed_timestamp_seconds')).toEqual(['canon_sweep_last_completed_timestamp_seconds 0']);
    expect(samples(prom, 'canon_sweep_missed')).toEqual(['canon_sweep_missed 1']);
    expect(samples(prom, 'canon_sweep_exit_code')).toEqual([]);
  });

  it('Markdown: evidence beside the failed outcome, the recipes not in this run, the disk warning, pending approval', () => {
    const md = renderReport('md', partialFleetContext());
    expect(md).toContain(`- **Evidence:** \`runs/${PARTIAL_RUN}/hedgedoc/test.log\`: \`not ok 5 - login page renders: HTTP 500\``);
    expect(md).toContain('> **Warning: disk budget.** warm volumes use 210.0 GiB of the 200.0 GiB budget');
    expect(md).toContain('## Pending approval');
    const elsewhere = md.slice(md.indexOf('## Not in this run'));
    expect(elsewhere).toContain('- **discourse**: canonical `0.7.0+3.4.0` · newest release `0.7.1+3.4.1` · FAILED in run `20261122T030002Z-4f2a`');
    expect(elsewhere).toContain('  - evidence: `runs/20261122T030002Z-4f2a/discourse/test.log`: `Error: migration 42 failed`');
    expect(elsewhere).not.toContain('keycloak');
  });

  it('HTML: a row per recipe of the fleet with evidence, log and history links, and the disk warning', () => {
    const html = renderReport('html', partialFleetContext());
    expect(html.match(/<tr data-recipe=/g)).toHaveLength(9);
    expect(html).toContain(`<div class="evidence"><code>runs/${PARTIAL_RUN}/hedgedoc/test.log</code><br><code>not ok 5 - login page renders: HTTP 500</code></div>`);
    expect(html).toContain(`<a href="runs/${PARTIAL_RUN}/hedgedoc/test.log">test</a>`);
    expect(html).toContain('<a href="#history-gitea">history</a>');
    expect(html).toContain('<details id="history-gitea">');
    expect(html).toContain('<strong>Disk budget exceeded.</strong>');
    expect(html).toContain(`<div class="attempt">last test 2.1.0+1.10.3 FAILED 59m ago (run ${PARTIAL_RUN})</div>`);
    expect(html).toContain('next sweep due by <code>2026-11-29T04:12:40.000Z</code>');
  });
});
