import type { RemoteRefs, RemoteTag, SyncWarning } from '../types.js';

export type TagPlan = {
  /** Tags to push (new and moved), with the oid the mirror must end up holding. */
  push: RemoteTag[];
  moved: { tag: RemoteTag; before: RemoteTag }[];
  deleted: RemoteTag[];
};

function sameTarget(a: RemoteTag, b: RemoteTag): boolean {
  // A re-created annotated tag on the same commit is a new tag object: compare what the
  // refs hold when both sides say, else the peeled commits.
  if (a.oid !== undefined && b.oid !== undefined) return a.oid === b.oid;
  return a.commit === b.commit;
}

/** What the mirror's tags must change to equal upstream's. */
export function planTags(upstream: RemoteRefs, mirror: RemoteRefs): TagPlan {
  const onMirror = new Map(mirror.tags.map((t) => [t.name, t]));
  const onUpstream = new Set(upstream.tags.map((t) => t.name));
  const plan: TagPlan = { push: [], moved: [], deleted: [] };
  for (const tag of upstream.tags) {
    const before = onMirror.get(tag.name);
    if (before === undefined) plan.push.push(tag);
    else if (!sameTarget(tag, before)) {
      plan.push.push(tag);
      plan.moved.push({ tag, before });
    }
  }
  plan.deleted = mirror.tags.filter((t) => !onUpstream.has(t.name));
  return plan;
}

export function tagWarnings(plan: TagPlan): SyncWarning[] {
  return [
    ...plan.moved.map(({ tag, before }) => ({
      code: 'tag-moved',
      message: `tag ${tag.name} moved upstream from ${before.commit} to ${tag.commit}; the mirror's tag was moved too`,
    })),
    ...plan.deleted.map((tag) => ({
      code: 'tag-deleted',
      message: `tag ${tag.name} (${tag.commit}) no longer exists upstream; it was deleted from the mirror`,
    })),
  ];
}
