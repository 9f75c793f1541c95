import { describe, expect, it } from 'vitest';
import type { RunRecord } from '@canon/warm-registry';
import { renderReport } from './index.js';
import { fleetContext } from '../testing/report-fixtures.js';

/** The same record with every object's keys inserted in reverse. */
function reversed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(reversed);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).reverse().map(([k, v]) => [k, reversed(v)]));
}

describe('JSON report', () => {
  it('is the run record itself', () => {
    const ctx = fleetContext();
    expect(JSON.parse(renderReport('json', ctx))).toEqual(ctx.run);
  });

  it('has the same bytes however the record was built, in the order run.json is documented', () => {
    const ctx = fleetContext();
    const out = renderReport('json', ctx);
    expect(renderReport('json', { ...ctx, run: reversed(ctx.run) as RunRecord })).toBe(out);
    expect(Object.keys(JSON.parse(out) as object)).toEqual([
      'schema', 'runId', 'startedAt', 'finishedAt', 'dryRun', 'interrupted', 'canonVersion', 'exitCode', 'recipes', 'summary', 'disk',
    ]);
    const first = (JSON.parse(out) as { recipes: object[] }).recipes[0] ?? {};
    expect(Object.keys(first)).toEqual([
      'recipe', 'decision', 'outcome', 'detail', 'tested', 'canonicalBefore', 'canonicalAfter', 'sync', 'durationsMs', 'warmVolumeBytes', 'logs',
    ]);
    expect(out.endsWith('}\n')).toBe(true);
  });
});
