import type { ServerRef } from 'isomorphic-git';
import type { MirrorSyncStage } from '../errors.js';
import type { RemoteAuth } from '../types.js';
import { gitStep } from './git-step.js';

/** Parses `git ls-remote --symref` output into isomorphic-git's `ServerRef` shape (peeled tags folded in). */
export function parseLsRemote(stdout: string): ServerRef[] {
  const refs = new Map<string, ServerRef>();
  const symrefs = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [left, name] = line.split('\t');
    if (!left || !name) continue;
    if (left.startsWith('ref: ')) {
      symrefs.set(name, left.slice('ref: '.length));
    } else if (name.endsWith('^{}')) {
      const base = refs.get(name.slice(0, -3));
      if (base) base.peeled = left;
    } else {
      refs.set(name, { ref: name, oid: left });
    }
  }
  for (const [name, target] of symrefs) {
    const ref = refs.get(name);
    if (ref) ref.target = target;
  }
  return [...refs.values()];
}

/**
 * Lists refs with `git ls-remote` for remotes isomorphic-git cannot reach (ssh, scp-like);
 * http(s) remotes are listed in process instead.
 */
export async function listWithGit(
  url: string,
  ctx: { stage: MirrorSyncStage; recipe: string; auth: RemoteAuth | undefined; timeoutMs: number; signal?: AbortSignal | undefined },
): Promise<ServerRef[]> {
  const listed = await gitStep(
    {
      stage: ctx.stage,
      recipe: ctx.recipe,
      remote: url,
      auth: ctx.auth,
      timeoutMs: ctx.timeoutMs,
      failCode: 'REMOTE_ERROR',
      doing: 'listing refs',
      signal: ctx.signal,
    },
    ['ls-remote', '--symref', '--', url],
  );
  return parseLsRemote(listed.stdout);
}
