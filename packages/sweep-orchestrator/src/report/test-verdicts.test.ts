import type { VerdictRecord } from '@canon/warm-registry';
import { describe, expect, it } from 'vitest';
import { renderReport, renderStatus } from './index.js';
import type { ReportContext } from './context.js';
import { recipeRun, runRecord } from '../testing/report-fixtures.js';

const oid = (seed: string): string => seed.repeat(40).slice(0, 40);
const NOW = new Date('2026-11-23T09:00:00Z');
const RUN = '20261122T030002Z-4f2a';
const OLD_RUN = '20261119T030002Z-77aa';

function verdictLine(version: string, fields: Partial<VerdictRecord>): VerdictRecord {
  return {
    schema: 1, ts: '2026-11-19T03:20:00.000Z', runId: OLD_RUN,
    key: { version, commit: oid('e'), suiteRev: 's'.repeat(64), promoteRev: 'p'.repeat(64) },
    outcome: 'FAILED', final: true, reason: 'suite-red', testVerdict: 'red',
    attempts: [{ exitCode: 1, signal: null, durationMs: 1200, log: 'x/test.log' }],
    ...fields,
  };
}

/** A fleet with a regression, a known failure three days old, a flaky promote and a held major. */
function verdictContext(): ReportContext {
  const keycloakAttempts = [
    { exitCode: 1, signal: null, durationMs: 61_000, log: 'keycloak/test.log' },
    { exitCode: 1, signal: null, durationMs: 59_000, log: 'keycloak/test-retry-1.log' },
  ];
  const run = runRecord(RUN, [
    recipeRun('keycloak', {
      decision: { action: 'run', reason: 'new-release', latest: '10.1.0+26.1.0', canonical: '10.0.0+26.0.0' },
      outcome: 'FAILED', detail: 'suite for 10.1.0+26.1.0 exited 1; the canonical 10.0.0+26.0.0 passes: regression',
      tested: { version: '10.1.0+26.1.0', tag: '10.1.0+26.1.0', commit: oid('k') },
      testVerdict: 'regression',
      attempts: keycloakAttempts,
    }),
    recipeRun('matrix-synapse', {
      decision: { action: 'skip', reason: 'known-failed', latest: '4.0.1+v1.120.0', canonical: '4.0.0+v1.119.0' },
      detail: 'known-failed: 4.0.1+v1.120.0 FAILED in run 20261119T030002Z-77aa, 4d ago (canon recheck --recipe matrix-synapse)',
    }),
    recipeRun('gitea', {
      decision: { action: 'run', reason: 'new-release', latest: '3.6.0+1.24.2-rootless', canonical: '3.5.3+1.24.2-rootless' },
      outcome: 'PROMOTED', detail: '3.5.3+1.24.2-rootless → 3.6.0+1.24.2-rootless at b7b7b7b7b7b7',
      tested: { version: '3.6.0+1.24.2-rootless', tag: '3.6.0+1.24.2-rootless', commit: oid('b') },
      testVerdict: 'flaky',
      attempts: [
        { exitCode: 1, signal: null, durationMs: 30_000, log: 'gitea/test.log' },
        { exitCode: 0, signal: null, durationMs: 31_000, log: 'gitea/test-retry-1.log' },
      ],
    }),
    recipeRun('traefik', {
      decision: { action: 'skip', reason: 'held-major', latest: '4.0.0+v3.3.0', canonical: '3.2.0+v3.2.1' },
      detail: 'held-major: 4.0.0+v3.3.0 is a new major; approve with: canon approve --recipe traefik --version 4.0.0+v3.3.0 --reason <why>',
    }),
  ]);
  return {
    run, previous: null, histories: {}, canonicals: {}, schedule: { onCalendar: 'weekly' }, now: NOW,
    enrolled: ['gitea', 'keycloak', 'matrix-synapse', 'traefik'],
    attempts: {},
    verdicts: {
      // The known failure ran no test this sweep: its verdict is the line that made it known.
      'matrix-synapse': verdictLine('4.0.1+v1.120.0', {}),
      keycloak: verdictLine('10.1.0+26.1.0', { ts: '2026-11-22T03:40:00.000Z', runId: RUN, testVerdict: 'regression', attempts: keycloakAttempts }),
    },
  };
}

describe('reports carry the last test verdict, known failures in red and pending approvals', () => {
  const ctx = verdictContext();

  it('metrics: canon_recipe_test_verdict per verdict and canon_recipe_held', () => {
    const prom = renderReport('prom', ctx);
    const on = prom.split('\n').filter((l) => l.startsWith('canon_recipe_test_verdict{') && l.endsWith(' 1'));
    expect(on).toEqual([
      'canon_recipe_test_verdict{recipe="gitea",verdict="flaky"} 1',
      'canon_recipe_test_verdict{recipe="keycloak",verdict="regression"} 1',
      'canon_recipe_test_verdict{recipe="matrix-synapse",verdict="red"} 1',
    ]);
    // Six verdicts per tested recipe, exactly one of them 1.
    expect(prom.split('\n').filter((l) => l.startsWith('canon_recipe_test_verdict{recipe="keycloak"'))).toHaveLength(6);
    expect(prom).toContain('canon_recipe_held{recipe="traefik"} 1\n');
    expect(prom).toContain('canon_recipe_held{recipe="gitea"} 0\n');
  });

  it('Markdown: the verdict with every attempt, known failures with their age, pending approval with the command', () => {
    const md = renderReport('md', ctx);
    expect(md).toContain(
      '- **Test verdict:** regression: 10.1.0+26.1.0 FAILED 1d ago (run 20261122T030002Z-4f2a); attempts: exit 1 in 1m 01s, exit 1 in 59.0 s',
    );
    expect(md).toContain('- **Test verdict:** flaky: 3.6.0+1.24.2-rootless PROMOTED (run 20261122T030002Z-4f2a); attempts: exit 1 in 30.0 s, exit 0 in 31.0 s');
    const known = md.slice(md.indexOf('## Known failures (not re-tested)'));
    expect(known).toMatch(/- \*\*matrix-synapse\*\*: `4\.0\.1\+v1\.120\.0` — known-failed: .* · test verdict red: 4\.0\.1\+v1\.120\.0 FAILED 4d ago \(run 20261119T030002Z-77aa\)/);
    const pending = md.slice(md.indexOf('## Pending approval'), md.indexOf('## Known failures'));
    expect(pending).toContain('**traefik**: `4.0.0+v3.3.0` is a held major');
    expect(pending).toContain('canon approve --recipe traefik --version 4.0.0+v3.3.0');
  });

  it('HTML: a known failure is marked red beside its SKIPPED badge and sorts with the failures; verdicts sit beside outcomes', () => {
    const html = renderReport('html', ctx);
    const row = (recipe: string): string => html.slice(html.indexOf(`<tr data-recipe="${recipe}"`), html.indexOf('</tr>', html.indexOf(`<tr data-recipe="${recipe}"`)));
    expect(row('matrix-synapse')).toContain('class="known-failed"');
    expect(row('matrix-synapse')).toContain('>SKIPPED</span><span class="badge known"');
    expect(row('matrix-synapse')).toContain('<span class="verdict v-red"');
    expect(row('keycloak')).toContain('<span class="verdict v-regression" title="regression: 10.1.0+26.1.0 FAILED 1d ago');
    expect(row('gitea')).toContain('<span class="verdict v-flaky"');
    expect(row('traefik')).not.toContain('class="verdict');
    // Sorted by outcome, the known failure ranks as FAILED does, not as a skip.
    const rankOf = (recipe: string): string | undefined => /<td data-sort="(\d+)"><span class="badge/.exec(row(recipe))?.[1];
    expect(rankOf('matrix-synapse')).toBe(rankOf('keycloak'));
    expect(html).toMatch(/Known failures \(not re-tested\):<\/strong><ul><li><strong>matrix-synapse<\/strong> <code>4\.0\.1\+v1\.120\.0<\/code> — red: 4\.0\.1\+v1\.120\.0 FAILED 4d ago/);
    expect(html).toContain('<strong>Pending approval:</strong> traefik <code>4.0.0+v3.3.0</code>');
  });

  it('status: text lines and JSON fields for the verdict, the known failure and the pending approval', () => {
    const text = renderStatus(ctx, { json: false, color: false });
    expect(text).toContain('  test verdict regression: 10.1.0+26.1.0 FAILED 1d ago');
    expect(text).toContain('  test verdict red: 4.0.1+v1.120.0 FAILED 4d ago (run 20261119T030002Z-77aa)');
    expect(text).toContain('Pending approval: traefik 4.0.0+v3.3.0 (canon approve --recipe traefik');
    expect(text).toContain('Known failures (not re-tested): matrix-synapse 4.0.1+v1.120.0');
    const json = JSON.parse(renderStatus(ctx, { json: true, color: false })) as {
      recipes: { recipe: string; lastTest: { verdict: string; attempts: unknown[] } | null; knownFailed: boolean; pendingApproval: boolean }[];
    };
    const by = new Map(json.recipes.map((r) => [r.recipe, r]));
    expect(by.get('keycloak')?.lastTest?.verdict).toBe('regression');
    expect(by.get('keycloak')?.lastTest?.attempts).toHaveLength(2);
    expect(by.get('matrix-synapse')).toMatchObject({ knownFailed: true, lastTest: { verdict: 'red' } });
    expect(by.get('traefik')).toMatchObject({ pendingApproval: true, lastTest: null });
  });
});
