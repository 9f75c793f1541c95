// The few fields of canon's runs/latest.json the demo reads back to check itself.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export type DemoRunEntry = {
  recipe: string;
  outcome: string | null;
  detail: string;
  decision: { reason: string } | null;
  durationsMs: { test: number | null };
};
export type DemoRun = { runId: string; interrupted: boolean; recipes: DemoRunEntry[] };

function isRun(value: unknown): value is DemoRun {
  if (typeof value !== 'object' || value === null) return false;
  const run = value as Partial<DemoRun>;
  return typeof run.runId === 'string' && Array.isArray(run.recipes) &&
    run.recipes.every((r) => typeof r.recipe === 'string' && typeof r.detail === 'string' && typeof r.durationsMs === 'object');
}

export async function readLatestRun(stateDir: string): Promise<DemoRun> {
  const path = join(stateDir, 'runs', 'latest.json');
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!isRun(parsed)) throw new Error(`${path} is not a canon run record (expected runId and recipes[]); was it written by another canon version?`);
  return parsed;
}

export function outcomeCounts(run: DemoRun): string {
  const counts = new Map<string, number>();
  for (const r of run.recipes) counts.set(r.outcome ?? 'PENDING', (counts.get(r.outcome ?? 'PENDING') ?? 0) + 1);
  return [...counts].map(([outcome, n]) => `${n} ${outcome}`).join(', ');
}
