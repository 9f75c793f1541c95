import { describe, expect, it } from 'vitest';
import type { RemoteRefs } from '../types.js';
import { planTags, tagWarnings } from './plan.js';

const refs = (tags: RemoteRefs['tags']): RemoteRefs => ({ head: 'main', branches: {}, tags });
const c = (n: number) => String(n).repeat(40);

describe('planTags', () => {
  it('finds new, moved (commit or tag object) and deleted tags, and warns about moved and deleted ones', () => {
    const plan = planTags(
      refs([
        { name: 'same', commit: c(1), oid: c(1) },
        { name: 'new', commit: c(2), oid: c(2) },
        { name: 'moved', commit: c(3), oid: c(3) },
        { name: 'retagged', commit: c(4), oid: c(5) },
      ]),
      refs([
        { name: 'same', commit: c(1), oid: c(1) },
        { name: 'moved', commit: c(6), oid: c(6) },
        { name: 'retagged', commit: c(4), oid: c(7) },
        { name: 'gone', commit: c(8), oid: c(8) },
      ]),
    );
    expect(plan.push.map((t) => t.name)).toEqual(['new', 'moved', 'retagged']);
    expect(plan.moved.map((m) => m.tag.name)).toEqual(['moved', 'retagged']);
    expect(plan.deleted.map((t) => t.name)).toEqual(['gone']);
    expect(tagWarnings(plan).map((w) => w.code)).toEqual(['tag-moved', 'tag-moved', 'tag-deleted']);
  });

  it('compares peeled commits when a side does not know the tag objects', () => {
    const plan = planTags(
      refs([{ name: 'a', commit: c(1), oid: c(2) }]),
      refs([{ name: 'a', commit: c(1) }]),
    );
    expect(plan).toEqual({ push: [], moved: [], deleted: [] });
  });
});
