import type { CanonicalView, Registry } from '@canon/warm-registry';
import type { Promoter, PromoteRequest } from './promoter.js';

const short = (commit: string): string => commit.slice(0, 12);

/**
 * `promote.by: "test"`: the test command promoted by itself (cc-ci's runner does on a green
 * cold run), so canon deploys nothing and tears nothing down. It re-reads the registry and
 * accepts the record only if it holds the tested version at the tag's own commit, written
 * since the test started; then it appends canon's history and, in ci-warm format, makes sure
 * `last_good` follows `canonical.json`.
 */
export function createTestPromoter(deps: { registry: Registry }): Promoter {
  return {
    async promote(request) {
      const started = performance.now();
      const mode = request.canonicalBefore === null ? 'seed' : 'advance';
      const after = await deps.registry.readCanonical(request.recipe.name);
      const problem = recordProblem(request, after);
      const base = { timedOut: false, rollback: null, warmVolumeBytes: null, mode } as const;
      const history = (type: string, detail: string) =>
        deps.registry.appendHistory(request.recipe.name, {
          type, ts: new Date().toISOString(), runId: request.runId,
          version: request.tested.version, commit: request.tested.commit,
          domain: after?.domain ?? request.recipe.promote?.domain ?? null, detail,
        });
      if (problem !== null || after === null) {
        const reason = problem?.reason ?? 'not-recorded';
        const detail = problem?.detail ?? 'no record';
        await history(mode === 'seed' ? 'seed-failed' : 'advance-failed', `${reason}: ${detail}`);
        return { ...base, ok: false, reason, detail, warnings: [], durationMs: Math.round(performance.now() - started) };
      }
      const before = request.canonicalBefore;
      await deps.registry.appendHistory(request.recipe.name, {
        type: 'promoted', ts: new Date().toISOString(), runId: request.runId,
        version: after.version, commit: after.commit, domain: after.domain,
        previous: before === null ? null : { version: before.version, commit: before.commit },
        detail: `recorded by the test command at ${after.ts}; verified by canon`,
      });
      const warnings: string[] = [];
      if (deps.registry.registryFormat === 'ci-warm') {
        const check = await deps.registry.repairLastGood(request.recipe.name);
        if (check.status === 'repaired') warnings.push(`last_good did not follow canonical.json and was repaired: ${check.detail}`);
      }
      return {
        ...base, ok: true, reason: null, warnings, durationMs: Math.round(performance.now() - started),
        recordedByTest: { version: after.version, commit: after.commit, ts: after.ts },
      };
    },
  };
}

function recordProblem(request: PromoteRequest, after: CanonicalView | null): { reason: string; detail: string } | null {
  const { tested, recipe } = request;
  if (after === null) {
    return { reason: 'not-recorded', detail: `the test command exited 0 but wrote no canonical record for ${recipe.name} (its own promote failed? see test.log)` };
  }
  const since = request.testStartedAt;
  // ci-warm's ts has whole seconds: a record written in the test's first second is not older.
  const stale = since === undefined || Date.parse(after.ts) < Math.floor(since.getTime() / 1000) * 1000;
  if (stale) {
    return {
      reason: 'not-recorded',
      detail: `the record still holds ${after.version} at ${short(after.commit)} from ${after.ts}, written before the test started (${since?.toISOString() ?? 'unknown'}); the test command did not promote (see test.log)`,
    };
  }
  if (after.version !== tested.version) {
    return { reason: 'version-mismatch', detail: `the record holds version ${after.version}, not the tested ${tested.version}` };
  }
  if (after.commit !== tested.commit) {
    return { reason: 'commit-mismatch', detail: `the record holds commit ${after.commit} (a merge commit?), not the tag's ${tested.commit}` };
  }
  return null;
}

/**
 * After a test the gate did not pass, a `by: "test"` recipe's record must be as it was: a test
 * command that promoted anyway put something on the canonical that canon never accepted.
 */
export async function canonicalChangedProblem(
  registry: Registry,
  recipe: string,
  before: CanonicalView | null,
  testWasGreen: boolean,
): Promise<string | null> {
  const after = await registry.readCanonical(recipe);
  const same = (a: CanonicalView | null, b: CanonicalView | null) =>
    a === null || b === null ? a === b : a.version === b.version && a.commit === b.commit && a.ts === b.ts;
  if (same(before, after)) return null;
  const what = after === null ? 'removed the record' : `wrote ${after.version} at ${short(after.commit)} (${after.ts})`;
  const run = testWasGreen ? 'a run the gate refused' : 'a failed run';
  return `the test command changed the canonical on ${run}: it ${what}; canon did not accept it, check the registry record by hand`;
}
