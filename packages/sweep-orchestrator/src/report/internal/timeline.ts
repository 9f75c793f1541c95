// Canonical advances, newest first, read from each recipe's history: every `promoted`
// event, paired with the version it replaced (its `previous`, else the promotion before it).

import type { HistoryEvent } from '@canon/warm-registry';
import { compareText, parseTimestamp } from './format.js';

export type Advance = { recipe: string; ts: string; at: Date | null; from: string | null; to: string; runId: string | null };

export function canonicalAdvances(histories: Record<string, HistoryEvent[]>, limit = 100): Advance[] {
  const advances: Advance[] = [];
  for (const recipe of Object.keys(histories).sort(compareText)) {
    const promoted = (histories[recipe] ?? [])
      .flatMap((e) => (e.type === 'promoted' && e.version !== null ? [{ e, version: e.version, at: parseTimestamp(e.ts) }] : []))
      .sort((a, b) => (a.at?.getTime() ?? 0) - (b.at?.getTime() ?? 0));
    let from: string | null = null;
    for (const { e, version, at } of promoted) {
      advances.push({ recipe, ts: e.ts, at, from: e.previous?.version ?? from, to: version, runId: e.runId });
      from = version;
    }
  }
  advances.sort((a, b) => (b.at?.getTime() ?? 0) - (a.at?.getTime() ?? 0) || compareText(a.recipe, b.recipe));
  return advances.slice(0, limit);
}
