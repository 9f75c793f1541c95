// The run record itself, with a stable key order: the order SPEC documents for run.json,
// then any further keys alphabetically, so two renderings of one record are byte-equal
// however the record was built.

import type { RunRecord } from '@canon/warm-registry';

const RUN_KEYS = ['schema', 'runId', 'startedAt', 'finishedAt', 'dryRun', 'interrupted', 'canonVersion', 'exitCode', 'recipes', 'summary', 'disk'];
const RECIPE_KEYS = ['recipe', 'decision', 'outcome', 'detail', 'tested', 'canonicalBefore', 'canonicalAfter', 'sync', 'durationsMs', 'warmVolumeBytes', 'logs'];
const NESTED_KEYS: Record<string, string[]> = {
  decision: ['action', 'reason', 'latest', 'canonical'],
  tested: ['version', 'tag', 'commit'],
  canonicalBefore: ['version', 'commit', 'runId'],
  canonicalAfter: ['version', 'commit', 'runId'],
  sync: ['status', 'changed', 'closedPulls', 'warnings'],
  durationsMs: ['sync', 'test', 'promote'],
  disk: ['usedBytes', 'budgetBytes'],
  summary: ['PROMOTED', 'GREEN-BUT-PROMOTE-FAILED', 'FAILED', 'TIMED-OUT', 'SYNC-FAILED', 'SKIPPED', 'ERROR'],
};

type KeyPlan = { keys: readonly string[]; child: (key: string) => KeyPlan };

const LEAF: KeyPlan = { keys: [], child: () => LEAF };
const nested = (key: string): KeyPlan => ({ keys: NESTED_KEYS[key] ?? [], child: () => LEAF });
const RECIPE_PLAN: KeyPlan = { keys: RECIPE_KEYS, child: nested };
const RUN_PLAN: KeyPlan = { keys: RUN_KEYS, child: (key) => (key === 'recipes' ? RECIPE_PLAN : nested(key)) };

function ordered(value: unknown, plan: KeyPlan): unknown {
  if (Array.isArray(value)) return value.map((item: unknown) => ordered(item, plan));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const keys = Object.keys(source);
  const known = plan.keys.filter((k) => keys.includes(k));
  const rest = keys.filter((k) => !plan.keys.includes(k)).sort();
  const out: Record<string, unknown> = {};
  for (const key of [...known, ...rest]) out[key] = ordered(source[key], plan.child(key));
  return out;
}

export function renderJson(run: RunRecord): string {
  return `${JSON.stringify(ordered(run, RUN_PLAN), null, 2)}\n`;
}
