import { describe, expect, it } from 'vitest';
import { renderReport } from './index.js';
import { escapeLabelValue } from './prom.js';
import { fleetContext, recipeRun, runRecord } from '../testing/report-fixtures.js';

const samples = (text: string, metric: string): string[] => text.split('\n').filter((l) => l.startsWith(`${metric}{`) || l.startsWith(`${metric} `));

describe('Prometheus metrics', () => {
  const prom = renderReport('prom', fleetContext());

  it('has HELP and TYPE for every family, each family in one block', () => {
    const families = [
      'canon_recipe_outcome', 'canon_recipe_canonical_info', 'canon_recipe_duration_seconds',
      'canon_sweep_last_completed_timestamp_seconds', 'canon_sweep_missed', 'canon_warm_volume_bytes',
      'canon_recipe_canonical_timestamp_seconds', 'canon_recipe_behind', 'canon_recipe_test_verdict', 'canon_recipe_held',
      'canon_sweep_duration_seconds', 'canon_sweep_exit_code', 'canon_build_info', 'canon_disk_used_bytes', 'canon_disk_budget_bytes',
    ];
    for (const name of families) {
      expect(prom).toContain(`# HELP ${name} `);
      expect(prom).toContain(`# TYPE ${name} gauge\n`);
    }
    const order = prom.split('\n').filter((l) => !l.startsWith('#')).map((l) => l.replace(/[{ ].*/, ''));
    expect([...new Set(order.filter(Boolean))]).toEqual(families);
  });

  it('says each recipe outcome as a 0/1 series per outcome', () => {
    const gitea = samples(prom, 'canon_recipe_outcome').filter((l) => l.includes('recipe="gitea"'));
    expect(gitea).toHaveLength(7);
    expect(gitea.filter((l) => l.endsWith(' 1'))).toEqual(['canon_recipe_outcome{recipe="gitea",outcome="PROMOTED"} 1']);
  });

  it('carries canonical versions, durations, volumes, the last completed sweep and whether one was missed', () => {
    expect(samples(prom, 'canon_recipe_canonical_info')).toContain('canon_recipe_canonical_info{recipe="gitea",version="3.6.0+1.24.2-rootless"} 1');
    expect(samples(prom, 'canon_recipe_canonical_info')).toHaveLength(6);
    expect(samples(prom, 'canon_recipe_duration_seconds')).toContain('canon_recipe_duration_seconds{recipe="gitea",phase="test"} 412');
    expect(samples(prom, 'canon_warm_volume_bytes')).toContain('canon_warm_volume_bytes{recipe="gitea"} 3221225472');
    expect(samples(prom, 'canon_sweep_last_completed_timestamp_seconds')).toEqual(['canon_sweep_last_completed_timestamp_seconds 1795320760']);
    expect(samples(prom, 'canon_sweep_missed')).toEqual(['canon_sweep_missed 0']);
    expect(samples(renderReport('prom', fleetContext(new Date('2026-12-24T00:00:00Z'))), 'canon_sweep_missed')).toEqual(['canon_sweep_missed 1']);
  });

  it('falls back to the previous run when the latest was interrupted', () => {
    const ctx = fleetContext();
    ctx.run = { ...ctx.run, interrupted: true };
    expect(samples(renderReport('prom', ctx), 'canon_sweep_last_completed_timestamp_seconds')).toEqual([
      'canon_sweep_last_completed_timestamp_seconds 1794715090',
    ]);
  });

  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const ctx = fleetContext();
    ctx.run = runRecord('r', [recipeRun('we"ird\\name\n', { durationsMs: { sync: 1500, test: null, promote: null } })]);
    expect(renderReport('prom', ctx)).toContain('canon_recipe_duration_seconds{recipe="we\\"ird\\\\name\\n",phase="sync"} 1.5');
  });
});
