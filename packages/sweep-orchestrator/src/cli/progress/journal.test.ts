import { describe, expect, it } from 'vitest';
import type { SweepEvent } from '../../sweep/events.js';
import { createPlainReporter } from './plain.js';

const at = '2026-11-27T03:00:00.000Z';
const events: SweepEvent[] = [
  { type: 'run-start', at, runId: 'r1', dryRun: false, recipes: ['gitea', 'hedgedoc', 'wiki'] },
  { type: 'phase', at, recipe: 'gitea', phase: 'test' },
  { type: 'warning', at, recipe: 'gitea', message: 'tag 1.0.0 moved' },
  {
    type: 'recipe-done', at, recipe: 'hedgedoc', outcome: 'FAILED', detail: 'suite for 2.1.0+1.10.3 exited 1', durationMs: 61_500,
    evidence: { log: 'runs/r1/hedgedoc/test.log', line: 'not ok 5 - login page renders: HTTP 500' },
  },
  { type: 'recipe-done', at, recipe: 'wiki', outcome: 'SKIPPED', detail: 'infra-degraded: gitea was unhealthy', durationMs: 10 },
  { type: 'recipe-done', at, recipe: 'gitea', outcome: 'PROMOTED', detail: '1.0.0 → 1.1.0', durationMs: 10 },
  { type: 'run-end', at, runId: 'r1', exitCode: 1, interrupted: false, summary: { FAILED: 1, PROMOTED: 1 }, durationMs: 62_000 },
];

function lines(journal: boolean): string[] {
  const out: string[] = [];
  const r = createPlainReporter({ write: (s) => out.push(s), now: () => 0, isTTY: false, color: false, json: false, journal });
  for (const e of events) r.event(e);
  r.close();
  return out.join('').split('\n').filter(Boolean);
}

describe('journal lines (JOURNAL_STREAM set)', () => {
  it('carry sd-daemon priorities: <3> failed outcomes, <4> warnings, <6> the rest; the evidence is on the failed line', () => {
    expect(lines(true)).toEqual([
      '<6>[+  0.0s] sweep r1: 3 recipe(s)',
      '<6>[+  0.0s] gitea: test',
      '<4>[+  0.0s] gitea: warning: tag 1.0.0 moved',
      '<3>[+  0.0s] hedgedoc: FAILED in 1m01s — suite for 2.1.0+1.10.3 exited 1 — log runs/r1/hedgedoc/test.log: not ok 5 - login page renders: HTTP 500',
      '<3>[+  0.0s] wiki: SKIPPED in 0.0s — infra-degraded: gitea was unhealthy',
      '<6>[+  0.0s] gitea: PROMOTED in 0.0s — 1.0.0 → 1.1.0',
      '<4>[+  0.0s] done r1 in 1m02s: FAILED 1, PROMOTED 1 (exit 1)',
    ]);
  });

  it('carry no prefix off the journal', () => {
    expect(lines(false).every((l) => l.startsWith('[+'))).toBe(true);
  });
});
