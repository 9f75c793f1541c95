import type { Registry } from '@canon/warm-registry';
import type { TestedRelease } from '../../command-values.js';
import type { PromoteRequest } from '../promoter.js';

const FULL_OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Writes the canonical record and its `promoted` (or `adopted`) history line. A legacy previous
 * record whose commit is not a full object id must not block every future promotion: it is left
 * out of `previous` and reported as a warning. Throws when canonical.json does not name the
 * release afterwards; once it does, the promotion stands and what else failed (ci-warm's
 * `last_good`, the history line) is a warning, never a reason to undo the deploy.
 */
export async function recordPromotion(opts: {
  registry: Registry;
  request: PromoteRequest;
  domain: string;
  tested: TestedRelease;
  type?: 'promoted' | 'adopted';
  detail?: string;
}): Promise<{ warnings: string[] }> {
  const { registry, request, tested } = opts;
  const recipe = request.recipe.name;
  const before = request.canonicalBefore;
  const previous = before === null ? null : FULL_OID.test(before.commit) ? { version: before.version, commit: before.commit } : null;
  const warnings =
    before !== null && previous === null ? [`the previous canonical's commit "${before.commit}" is not a full object id; previous is recorded as null`] : [];
  try {
    await registry.writeCanonical({
      schema: 1, recipe, version: tested.version, tag: tested.tag, commit: tested.commit,
      status: 'canonical', ts: new Date().toISOString(), domain: opts.domain, runId: request.runId, previous,
    });
  } catch (error) {
    const now = await registry.readCanonical(recipe).catch(() => null);
    const names = now !== null && now.version === tested.version && now.commit === tested.commit && now.runId === request.runId;
    if (!names) throw error;
    warnings.push(`canonical.json names ${tested.version}, but the rest of the record could not be written: ${(error as Error).message}`);
  }
  try {
    await registry.appendHistory(recipe, {
      type: opts.type ?? 'promoted', ts: new Date().toISOString(), runId: request.runId,
      version: tested.version, commit: tested.commit, previous, domain: opts.domain,
      ...(opts.detail === undefined ? {} : { detail: opts.detail }),
    });
  } catch (error) {
    warnings.push(`the ${opts.type === 'adopted' ? 'adoption' : 'promotion'} stands, but its history line could not be written: ${(error as Error).message}`);
  }
  return { warnings };
}
