// The metrics as node_exporter's textfile collector would read them, checked by promtool.

import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { renderReport } from './index.js';
import { fleetContext, recipeRun, runRecord } from '../testing/report-fixtures.js';
import { partialFleetContext } from '../testing/fleet-fixtures.js';

const hasPromtool = spawnSync('promtool', ['--version']).status === 0;

describe.skipIf(!hasPromtool)('promtool check metrics (needs promtool, Debian package prometheus)', () => {
  const check = (text: string): string => execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });

  it('accepts the metrics of a realistic sweep without a lint problem', () => {
    expect(check(renderReport('prom', fleetContext()))).toBe('');
  });

  it('accepts the fleet metrics after a partial run (every per-recipe and per-sweep family)', () => {
    const text = renderReport('prom', partialFleetContext());
    expect(text).toContain('canon_recipe_test_verdict{');
    expect(check(text)).toBe('');
  });

  it('accepts hostile label values and an empty run', () => {
    const ctx = fleetContext(new Date('2027-01-01T00:00:00Z'));
    ctx.run = runRecord('r', [recipeRun('a"b\\c\nd', { warmVolumeBytes: 5, durationsMs: { sync: 1, test: 2, promote: 3 } })]);
    const gitea = ctx.canonicals.gitea;
    if (!gitea) throw new Error('fixture lost gitea');
    ctx.canonicals = { 'a"b\\c\nd': null, x: { ...gitea, version: '1.0.0+"odd"\\' } };
    expect(check(renderReport('prom', ctx))).toBe('');
    ctx.run = runRecord('empty', [], { finishedAt: null });
    ctx.previous = null;
    ctx.canonicals = {};
    expect(check(renderReport('prom', ctx))).toBe('');
  });
});
