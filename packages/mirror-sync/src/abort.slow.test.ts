import { createFleet, type Fleet } from '@canon/testkit';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MirrorSyncError } from './errors.js';
import { listRemoteRefs } from './list-refs.js';
import { syncMirror } from './sync.js';

let fleet: Fleet;
let workDir: string;

beforeAll(async () => {
  fleet = await createFleet({ recipes: [{ name: 'stuck', presynced: false }, 'listed'] });
  workDir = await mkdtemp(join(tmpdir(), 'canon-mirror-sync-work-'));
});

afterAll(async () => {
  await fleet.close();
  await rm(workDir, { recursive: true, force: true });
});

/** Live processes whose command line names `needle` (git fetch, git-remote-http). */
function processesNaming(needle: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z') continue;
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(needle)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function waitFor(probe: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('aborting a sync', () => {
  it('kills git fetching from a hanging upstream at once and rejects with ABORTED, leaving no git behind', async () => {
    const r = fleet.recipe('stuck');
    const upstreamRefs = await listRemoteRefs(r.upstreamUrl);
    const mirrorRefs = await listRemoteRefs(r.mirrorUrl);
    fleet.server.setFault(r.upstream.name, 'hang');
    const controller = new AbortController();
    const sync = syncMirror({
      recipe: r.name, upstream: r.upstreamUrl, mirror: r.mirrorUrl, branch: 'HEAD', workDir,
      upstreamRefs, mirrorRefs, signal: controller.signal,
    }).catch((e: unknown) => e);
    await waitFor(() => processesNaming(r.upstreamUrl).length > 0, 'git fetch to start');
    const pids = processesNaming(r.upstreamUrl);
    const aborted = performance.now();
    controller.abort();
    const error = await sync;
    const tookMs = performance.now() - aborted;
    console.log(`syncMirror rejected ${tookMs.toFixed(0)} ms after the abort`);
    expect(error).toBeInstanceOf(MirrorSyncError);
    expect(error).toMatchObject({ code: 'ABORTED', stage: 'fetch' });
    expect(tookMs).toBeLessThan(2500);
    expect(pids.filter((pid) => processesNaming(r.upstreamUrl).includes(pid))).toEqual([]);
    fleet.server.setFault(r.upstream.name, null);
  });

  it('stops a listing of a hanging remote at once with ABORTED', async () => {
    const r = fleet.recipe('listed');
    fleet.server.setFault(r.upstream.name, 'hang');
    const started = performance.now();
    const error = await listRemoteRefs(r.upstreamUrl, { signal: AbortSignal.timeout(300) }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ABORTED', stage: 'list-upstream' });
    expect(performance.now() - started).toBeLessThan(2500);
    fleet.server.setFault(r.upstream.name, null);
  });
});
