import { describe, expect, it } from 'vitest';
import { renderStatus } from './index.js';
import { fleetContext, recipeRun, runRecord } from '../testing/report-fixtures.js';

describe('canon status', () => {
  it('lists each recipe with its canonical version and age and the latest outcome', () => {
    const out = renderStatus(fleetContext(), { json: false, color: false });
    const lines = out.split('\n');
    expect(lines[0]).toBe('last run 20261122T030002Z-4f2a finished 2026-11-22T04:12:40.000Z');
    expect(lines[2]).toMatch(/^RECIPE +CANONICAL +AGE +LATEST +OUTCOME +REASON$/);
    expect(lines.find((l) => l.startsWith('gitea '))?.split(/ {2,}/)).toEqual([
      'gitea', '3.6.0+1.24.2-rootless', '1d', '3.6.0+1.24.2-rootless', 'PROMOTED', '3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless at b7b7b7b7b7b7',
    ]);
    expect(lines.find((l) => l.startsWith('discourse '))?.split(/ {2,}/).slice(0, 5)).toEqual(['discourse', '0.7.0+3.4.0', '159d', '0.7.1+3.4.1', 'FAILED']);
    expect(lines.find((l) => l.startsWith('keycloak '))?.split(/ {2,}/)).toEqual(['keycloak', '-', '-', '-', 'SKIPPED', 'not-enrolled: warm domain is the live shared OIDC provider']);
    expect(out).not.toContain('WARNING');
    expect(out).not.toContain('\u001b[');
  });

  it('warns on a line of its own when the last sweep is older than the schedule allows', () => {
    const out = renderStatus(fleetContext(new Date('2026-12-01T00:00:00Z')), { json: false, color: false });
    expect(out.split('\n')[1]).toBe(
      'WARNING: sweep missed: the last completed sweep finished 2026-11-22T04:12:40.000Z; schedule "Sun *-*-* 03:00:00" allows 7d + 1d grace. Check: systemctl list-timers canon-sweep.timer',
    );
  });

  it('says so when no sweep has ever completed', () => {
    const ctx = fleetContext();
    ctx.run = runRecord('none', [], { finishedAt: null });
    ctx.previous = null;
    const out = renderStatus(ctx, { json: false, color: false });
    expect(out.split('\n')[0]).toBe('no sweep recorded yet');
    expect(out).toContain('WARNING: sweep missed: no sweep has completed yet; schedule');
    expect(out).toContain('gitea ');
  });

  it('gives scripts the same facts as JSON', () => {
    const status = JSON.parse(renderStatus(fleetContext(), { json: true, color: false })) as {
      sweepMissed: boolean; lastCompletedAt: string; recipes: { recipe: string; canonical: string | null; canonicalAgeSeconds: number | null; outcome: string | null }[];
    };
    expect(status.sweepMissed).toBe(false);
    expect(status.lastCompletedAt).toBe('2026-11-22T04:12:40.000Z');
    expect(status.recipes.map((r) => r.recipe)).toHaveLength(9);
    expect(status.recipes.find((r) => r.recipe === 'gitea')).toMatchObject({ canonical: '3.6.0+1.24.2-rootless', canonicalAgeSeconds: 107_369, outcome: 'PROMOTED' });
  });

  it('colours outcomes only when asked and never passes control characters through', () => {
    const ctx = fleetContext();
    ctx.run = runRecord('r', [recipeRun('evil\u001b[2J', { detail: 'x\u0007y\r\nz' })]);
    const plain = renderStatus(ctx, { json: false, color: false });
    expect([...plain].filter((c) => c !== '\n' && c.charCodeAt(0) < 0x20)).toEqual([]);
    expect(plain).toContain('evil [2J');
    expect(renderStatus(ctx, { json: false, color: true })).toContain('\u001b[90mSKIPPED');
  });
});
