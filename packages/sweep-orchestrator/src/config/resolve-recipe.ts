import { BUILTIN } from './builtin-defaults.js';
import type { ConfigProblem } from './errors.js';
import { formatJsonPath } from './errors.js';
import { delegatedPromoteProblems } from './delegated-promote-rules.js';
import { deepMerge } from './merge.js';
import { expandString } from './placeholders.js';
import type { RawSettings } from './schema.js';
import type { PromoteSpec, ResolvedRecipe } from './types.js';
import { domainProblem, remoteUrlProblem } from './validators.js';

type Defaults = Omit<RawSettings, 'reason' | 'block' | 'waive' | 'dependsOn'>;

/** Merges one recipe over `defaults` and the built-in values, then checks what only the merge can tell. */
export function resolveRecipe(
  name: string,
  defaults: Defaults,
  own: RawSettings,
): { recipe: ResolvedRecipe; problems: [] } | { recipe: null; problems: ConfigProblem[] } {
  const merged = deepMerge<RawSettings>(defaults, own);
  const problems: ConfigProblem[] = [];
  const at = (...rest: string[]) => formatJsonPath(['recipes', name, ...rest]);
  const missing = (...rest: string[]) =>
    problems.push({
      path: at(...rest),
      message: `required; set it here or in ${formatJsonPath(['defaults', ...rest])}`,
    });
  const expand = (s: string) => expandString(s, { recipe: name });

  const upstream = merged.upstream === undefined ? null : expand(merged.upstream);
  const mirror = merged.mirror === undefined ? null : expand(merged.mirror);
  if (upstream === null) missing('upstream');
  if (mirror === null) missing('mirror');
  for (const [key, url] of [['upstream', upstream], ['mirror', mirror]] as const) {
    const problem = url === null ? null : remoteUrlProblem(url);
    if (problem !== null) problems.push({ path: at(key), message: problem });
  }
  const command = merged.test?.command;
  if (command === undefined) missing('test', 'command');

  let promote: PromoteSpec | null = null;
  const p = merged.promote;
  if (p !== undefined && p !== null) {
    if (p.domain === undefined) missing('promote', 'domain');
    const by = p.by ?? BUILTIN.promoteBy;
    // The test command deploys when it promotes by itself: canon's deploy is never run for it.
    if (p.deploy === undefined && by === 'canon') missing('promote', 'deploy');
    // Domains are case-insensitive (SPEC): lower-cased once here, compared and used in that form.
    const domain = p.domain === undefined ? '' : expand(p.domain).toLowerCase();
    const mode = p.mode ?? BUILTIN.promoteMode;
    const domainIssue = p.domain === undefined ? null : domainProblem(domain);
    if (domainIssue !== null) problems.push({ path: at('promote', 'domain'), message: domainIssue });
    promote = {
      domain,
      deploy: p.deploy ?? [],
      teardown: p.teardown ?? null,
      verify: p.verify ?? null,
      health: {
        url: p.health?.url ?? BUILTIN.healthUrl,
        expectStatus: p.health?.expectStatus ?? [...BUILTIN.expectStatus],
        rejectBodyPattern: p.health?.rejectBodyPattern ?? null,
        timeoutSeconds: p.health?.timeoutSeconds ?? BUILTIN.healthTimeoutSeconds,
        intervalSeconds: p.health?.intervalSeconds ?? BUILTIN.healthIntervalSeconds,
        also: p.health?.also ?? [],
      },
      snapshot: p.snapshot ?? null,
      park: p.park ?? null,
      volumeSize: p.volumeSize ?? null,
      timeoutSeconds: p.timeoutSeconds ?? BUILTIN.promoteTimeoutSeconds,
      // A live service must never be left on a failed release: rollback is not optional there.
      rollback: mode === 'live' || (p.rollback ?? BUILTIN.rollback),
      mode,
      backup: p.backup ?? null,
      restore: p.restore ?? null,
      env: p.env ?? {},
      by,
      locks: p.locks ?? [],
      lockWaitSeconds: p.lockWaitSeconds ?? BUILTIN.lockWaitSeconds,
      snapshotAfterPark: p.snapshotAfterPark ?? BUILTIN.snapshotAfterPark,
    };
    if (mode === 'live' && promote.backup === null) {
      problems.push({ path: at('promote', 'backup'), message: 'required with promote.mode "live": a live service is backed up before canon touches it' });
    }
    problems.push(...delegatedPromoteProblems(merged, at));
  }
  if (problems.length > 0 || upstream === null || mirror === null || command === undefined) {
    return { recipe: null, problems };
  }
  return {
    recipe: {
      name,
      enrolled: merged.enrolled ?? BUILTIN.enrolled,
      reason: merged.reason ?? null,
      upstream,
      mirror,
      branch: merged.branch ?? BUILTIN.branch,
      busyCheck: merged.busyCheck ?? null,
      test: {
        command,
        timeoutSeconds: merged.test?.timeoutSeconds ?? BUILTIN.testTimeoutSeconds,
        env: merged.test?.env ?? {},
        ...(merged.test?.pool === undefined ? {} : { pool: merged.test.pool }),
        revision: merged.test?.revision ?? null,
        retries: merged.test?.retries ?? BUILTIN.testRetries,
        flaky: merged.test?.flaky ?? BUILTIN.testFlaky,
        baseline: merged.test?.baseline ?? null,
        cwd: merged.test?.cwd ?? BUILTIN.testCwd,
        checkoutDir: merged.test?.checkoutDir ?? null,
        timeoutExitCodes: merged.test?.timeoutExitCodes ?? [],
      },
      failurePattern: merged.test?.failurePattern ?? null,
      promote,
      block: merged.block ?? [],
      waive: (merged.waive ?? []).map(({ commit, ...w }) => (commit === undefined ? w : { ...w, commit })),
      hold: { major: merged.hold?.major ?? false, appMajor: merged.hold?.appMajor ?? false },
      dependsOn: own.dependsOn ?? null,
    },
    problems: [],
  };
}
