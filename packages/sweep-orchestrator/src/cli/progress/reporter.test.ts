import { describe, expect, it } from 'vitest';
import type { SweepEvent } from '../../sweep/events.js';
import { createLiveReporter } from './live.js';
import { createNdjsonReporter } from './ndjson.js';
import { createPlainReporter } from './plain.js';
import { formatElapsed } from './reporter.js';

const at = '2026-11-27T03:00:00.000Z';
const events: SweepEvent[] = [
  { type: 'run-start', at, runId: 'r1', dryRun: false, recipes: ['gitea'] },
  { type: 'phase', at, recipe: 'gitea', phase: 'test' },
  { type: 'recipe-done', at, recipe: 'gitea', outcome: 'FAILED', detail: 'suite exited 1', durationMs: 61_500 },
  { type: 'run-end', at, runId: 'r1', exitCode: 1, interrupted: false, summary: { FAILED: 1, PROMOTED: 0 }, durationMs: 62_000 },
];

function collect(make: (write: (t: string) => void, clock: () => number) => { event(e: SweepEvent): void; close(): void }): string {
  let t = 0;
  const out: string[] = [];
  const r = make((s) => out.push(s), () => (t += 1500));
  for (const e of events) r.event(e);
  r.close();
  return out.join('');
}

describe('progress reporters', () => {
  it('journal lines carry the elapsed time, one per phase, no escape codes', () => {
    const text = collect((write, now) => createPlainReporter({ write, now, isTTY: false, color: false, json: false }));
    expect(text.split('\n').filter(Boolean)).toEqual([
      '[+  1.5s] sweep r1: 1 recipe(s)',
      '[+  3.0s] gitea: test',
      '[+  4.5s] gitea: FAILED in 1m01s — suite exited 1',
      '[+  6.0s] done r1 in 1m02s: FAILED 1 (exit 1)',
    ]);
    expect(text).not.toContain('\u001b');
  });

  it('NDJSON: one parseable event per line, unchanged', () => {
    const text = collect((write) => createNdjsonReporter({ write, isTTY: false, color: false, json: true }));
    expect(text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown)).toEqual(events);
  });

  it('live view colours outcomes only when colour is allowed', () => {
    const coloured = collect((write, now) => createLiveReporter({ write, now, isTTY: true, color: true, json: false }));
    const plain = collect((write, now) => createLiveReporter({ write, now, isTTY: true, color: false, json: false }));
    expect(coloured).toContain('\u001b[31mFAILED\u001b[0m');
    expect(plain).not.toContain('\u001b[3');
    expect(plain).toContain('gitea: test');
  });

  it.each([
    [900, '0.9s'],
    [61_500, '1m01s'],
    [3_600_000, '60m00s'],
  ])('formatElapsed(%i) = %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});
