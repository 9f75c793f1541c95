import { listRemoteRefs } from '@canon/mirror-sync';
import { decide, type Decision } from '@canon/trigger';
import type { ResolvedConfig } from '../config/index.js';
import { holdInputs } from './decision-inputs.js';
import { createLimiter } from './pool.js';
import { assertNotHollow, selectRecipes } from './select.js';
import { openConfiguredRegistry } from '../open-registry.js';
import { prepareVerdicts } from '../verdicts/prepare.js';
import { planRevisionRunner } from '../verdicts/suite-revision.js';

export type PlanEntry = {
  recipe: string;
  /** null when canon could not decide (unreadable record, unreachable upstream). */
  decision: Decision | null;
  error: string | null;
};

export type Plan = { entries: PlanEntry[]; exitCode: 0 | 1 };

const LIST_POOL = 8;

/**
 * What a sweep would do, decided by the same code from upstream's refs. Read-only: lists
 * refs, pushes nothing, takes no lock, runs no busyCheck, writes no file.
 */
export async function planSweep(opts: { config: ResolvedConfig; recipes?: readonly string[]; force?: boolean }): Promise<Plan> {
  const { config } = opts;
  const registry = openConfiguredRegistry(config);
  const pool = createLimiter(LIST_POOL);
  const selected = selectRecipes(config, opts.recipes ?? []);
  // plan is sweep --dry-run: a hollow config is refused the same way (exit 3).
  assertNotHollow(config, selected);
  const entries = await Promise.all(
    selected.map((recipe) =>
      pool(async (): Promise<PlanEntry> => {
        let canonical: { version: string; commit: string } | null = null;
        try {
          const view = await registry.readCanonical(recipe.name);
          canonical = view === null ? null : { version: view.version, commit: view.commit };
        } catch (e) {
          if (recipe.enrolled) return { recipe: recipe.name, decision: null, error: `cannot read the registry record: ${(e as Error).message}` };
        }
        let tags: Awaited<ReturnType<typeof listRemoteRefs>>['tags'] = [];
        if (recipe.enrolled) {
          try {
            tags = (await listRemoteRefs(recipe.upstream, { timeoutMs: 60_000 })).tags;
          } catch (e) {
            return { recipe: recipe.name, decision: null, error: `cannot list upstream refs: ${(e as Error).message}` };
          }
        }
        // Known failures show in the plan with what would lift each (decide's detail says it).
        const prepared = recipe.enrolled ? await prepareVerdicts({ config, registry, recipe, runRevision: planRevisionRunner }) : null;
        if (prepared?.ok === false) return { recipe: recipe.name, decision: null, error: prepared.detail };
        const known = prepared?.ok === true ? { verdicts: prepared.loaded.verdicts, approvals: prepared.loaded.approvals, now: new Date() } : {};
        const holds = holdInputs(config, recipe, new Date());
        const decision = decide({
          ...known,
          ...holds,
          recipe: recipe.name, enrolled: recipe.enrolled,
          ...(recipe.reason === null ? {} : { notEnrolledReason: recipe.reason }),
          tags, canonical, blocked: recipe.block, busy: false, force: opts.force === true,
          includePrereleases: config.includePrereleases,
        });
        return { recipe: recipe.name, decision, error: null };
      }),
    ),
  );
  return { entries, exitCode: entries.every((e) => e.error === null) ? 0 : 1 };
}
