import type { Registry } from '@canon/warm-registry';
import type { TestedRelease } from '../../command-values.js';
import type { PromoteRequest } from '../promoter.js';

const FULL_OID = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * Writes the canonical record and its `promoted` history line. A legacy previous record whose
 * commit is not a full object id must not block every future promotion: it is left out of
 * `previous` and reported as a warning. Throws when the record cannot be written.
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
  const before = request.canonicalBefore;
  const previous = before === null ? null : FULL_OID.test(before.commit) ? { version: before.version, commit: before.commit } : null;
  const warnings =
    before !== null && previous === null ? [`the previous canonical's commit "${before.commit}" is not a full object id; previous is recorded as null`] : [];
  await registry.writeCanonical({
    schema: 1, recipe: request.recipe.name, version: tested.version, tag: tested.tag, commit: tested.commit,
    status: 'canonical', ts: new Date().toISOString(), domain: opts.domain, runId: request.runId, previous,
  });
  await registry.appendHistory(request.recipe.name, {
    type: opts.type ?? 'promoted', ts: new Date().toISOString(), runId: request.runId,
    version: tested.version, commit: tested.commit, previous, domain: opts.domain,
    ...(opts.detail === undefined ? {} : { detail: opts.detail }),
  });
  return { warnings };
}
