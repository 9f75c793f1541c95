import { describe, expect, it } from 'vitest';
import { renderReport } from './index.js';
import { fleetContext, recipeRun, runRecord } from '../testing/report-fixtures.js';

const section = (md: string, recipe: string): string => {
  const start = md.indexOf(`## ${recipe} — `);
  const end = md.indexOf('\n## ', start + 1);
  return md.slice(start, end === -1 ? undefined : end);
};

describe('Markdown excuses', () => {
  const md = renderReport('md', fleetContext());

  it('opens with the run and what changed since the previous run', () => {
    expect(md.startsWith('# canon sweep `20261122T030002Z-4f2a`\n')).toBe(true);
    expect(md).toContain('**Summary:** 1 TIMED-OUT · 1 FAILED · 2 GREEN-BUT-PROMOTE-FAILED · 2 PROMOTED · 3 SKIPPED');
    const since = md.slice(md.indexOf('## Since the previous run'), md.indexOf('## authentik'));
    expect(since.split('\n').filter((l) => l.startsWith('- '))).toEqual([
      '- **authentik**: new → GREEN-BUT-PROMOTE-FAILED (promote failed: protected-domain (warm-authentik.ci.example.org is protected; no seed teardown); canonical unchanged)',
      '- **custom-html**: seeded at `1.13.0+1.31.1` (promoted)',
      '- **discourse**: still FAILED since run `20261115T030001Z-9c1e`',
      '- **gitea**: `3.5.3+1.24.2-rootless` → `3.6.0+1.24.2-rootless` promoted',
      '- **hedgedoc**: PROMOTED → TIMED-OUT (suite for 2.1.0+1.10.3 ran past its limit; its process tree was killed)',
      '- **matrix-synapse**: PROMOTED → GREEN-BUT-PROMOTE-FAILED (promote failed: unhealthy (https://warm-matrix-synapse.ci.example.org/ answered 502); rolled back to 5.1.0+v1.118.0, healthy; canonical unchanged)',
      '- **wordpress**: not in this run (was SKIPPED)',
      '- 3 recipes as before (promoted or skipped, nothing new)',
    ]);
  });

  it('gives every recipe a section with decision, versions, gate, sync, PRs, durations and logs', () => {
    expect(md.match(/^## [a-z-]+ — /gm)).toHaveLength(9);
    expect(section(md, 'gitea')).toBe(
      [
        '## gitea — PROMOTED',
        '',
        '- **Outcome:** PROMOTED — 3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless at b7b7b7b7b7b7',
        '- **Decision:** run (new-release)',
        '- **Versions:** latest `3.6.0+1.24.2-rootless` · canonical before `3.5.3+1.24.2-rootless` · after `3.6.0+1.24.2-rootless` · tested `3.6.0+1.24.2-rootless` (tag `3.6.0+1.24.2-rootless`, commit `b7b7b7b7b7`)',
        '- **Gate:** passed',
        '- **Sync:** synced, mirror changed',
        '- **Closed PRs:** #12 (already contained in upstream)',
        '- **Durations:** sync 820 ms · test 6m 52s · promote 1m 36s',
        '- **Warm volumes:** 3.0 GiB',
        '- **Logs:**',
        '  - sync: `runs/20261122T030002Z-4f2a/gitea/sync.log`',
        '  - test: `runs/20261122T030002Z-4f2a/gitea/test.log`',
        '',
      ].join('\n'),
    );
    expect(section(md, 'discourse')).toContain('- **Gate:** refused: suite-red (the suite did not exit 0)');
    expect(section(md, 'hedgedoc')).toContain('  - warning: tag-moved: tag 2.1.0+1.10.3 moved from e1e1e1e1e1 to e9e9e9e9e9');
    expect(section(md, 'hedgedoc')).toContain('- **Gate:** not reached: the suite ran past its limit');
    expect(section(md, 'keycloak')).toContain('- **Decision:** skip (not-enrolled)');
    expect(section(md, 'keycloak')).not.toContain('**Gate:**');
  });

  it('shows log paths relative to the state directory whether or not the caller says where it is', () => {
    const { stateDir: _dropped, ...ctx } = fleetContext();
    expect(section(renderReport('md', ctx), 'gitea')).toContain('  - test: `runs/20261122T030002Z-4f2a/gitea/test.log`');
  });

  it('names the run where a failure streak began when older runs are known', () => {
    const ctx = fleetContext();
    const failed = recipeRun('discourse', { outcome: 'FAILED' });
    ctx.earlier = [runRecord('20261108T030000Z-1111', [failed]), runRecord('20261101T030000Z-2222', [failed]), runRecord('20261025T030000Z-3333', [recipeRun('discourse')])];
    expect(renderReport('md', ctx)).toContain('- **discourse**: still FAILED since run `20261101T030000Z-2222`');
  });

  it('says when there is nothing to compare with, and when a sweep was missed', () => {
    const ctx = fleetContext(new Date('2026-12-10T00:00:00Z'));
    ctx.previous = null;
    const out = renderReport('md', ctx);
    expect(out).toContain('No previous run to compare with; this is the first record.');
    expect(out).toContain('> **Warning: sweep missed.** The last completed sweep finished `2026-11-22T04:12:40.000Z`');
    expect(renderReport('md', fleetContext())).not.toContain('sweep missed');
  });

  it('keeps untrusted names, tags and messages inert', () => {
    const ctx = fleetContext();
    ctx.run = runRecord('r1', [
      recipeRun('x<img src=x onerror=alert(1)>\n# pwned', {
        decision: { action: 'skip', reason: 'blocked', latest: 'v1`] [link](http://evil)', canonical: null },
        detail: 'blocked: *bold* [a](http://evil) <b>',
        sync: { status: 'synced', changed: true, closedPulls: [], warnings: [{ code: 'tag-moved', message: 'a\nb <script>' }] },
      }),
    ]);
    const out = renderReport('md', ctx);
    expect(out).not.toMatch(/(?<!\\)<(img|script|b>)|^# pwned/m);
    expect(out).toContain('## x\\<img src=x onerror=alert(1)\\> # pwned — SKIPPED');
    expect(out).toContain('latest ``v1`] [link](http://evil)``');
    expect(out).toContain('blocked: \\*bold\\* \\[a\\](http://evil) \\<b\\>');
    expect(out).toContain('  - warning: tag-moved: a b \\<script\\>');
  });
});
