import { readdir, rmdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { RegistryError } from './errors.js';
import { readTextOrNull } from './internal/atomic-file.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { fsError, isErrno } from './internal/fs-errors.js';
import { checkName } from './internal/names.js';
import { isRunning, liveGroupMembers, readProcStat } from './proc.js';

const trackedSchema = z.object({
  schema: z.literal(1),
  runId: z.string(),
  pid: z.number().int().positive(),
  pgid: z.number().int().positive(),
  startTime: z.string(),
  host: z.string(),
  trackedAt: z.string(),
});

export type ReapResult = {
  pid: number;
  runId: string;
  /** true when canon sent a signal; false when the process was already gone or was not ours. */
  signalled: boolean;
  pgid: number;
  /** `ended`: signalled and gone; `gone`: nothing left to end; `pid-reused`: another process has the pid now (left alone); `other-host`: recorded on another machine. */
  reason: 'ended' | 'gone' | 'pid-reused' | 'other-host';
  /** true when SIGTERM was not enough and SIGKILL followed after graceMs. */
  killed: boolean;
};

const childrenDirOf = (stateDir: string) => join(resolve(stateDir), 'children');
const fileOf = (stateDir: string, runId: string, pid: number) =>
  join(childrenDirOf(stateDir), checkName('runId', runId), `${checkPid(pid)}.json`);

function checkPid(pid: number): number {
  if (!Number.isInteger(pid) || pid <= 1) {
    throw new RegistryError('INVALID_NAME', {
      path: '',
      kind: 'pid',
      value: String(pid),
      detail: `Expected a process id above 1, got ${pid}.`,
    });
  }
  return pid;
}

/**
 * Records a process group the sweep started (pid, pgid, start time from /proc) so that the
 * next sweep can end it if this one is killed. A process that already exited is not recorded.
 */
export async function trackChild(opts: {
  stateDir: string;
  runId: string;
  pid: number;
}): Promise<void> {
  const path = fileOf(opts.stateDir, opts.runId, opts.pid);
  const stat = await readProcStat(opts.pid);
  if (!isRunning(stat)) return;
  const record = {
    schema: 1,
    runId: opts.runId,
    pid: opts.pid,
    pgid: stat.pgid,
    startTime: stat.startTime,
    host: hostname(),
    trackedAt: new Date().toISOString(),
  };
  await writeFileAtomic(path, JSON.stringify(record) + '\n');
}

export async function untrackChild(opts: {
  stateDir: string;
  runId: string;
  pid: number;
}): Promise<void> {
  const path = fileOf(opts.stateDir, opts.runId, opts.pid);
  try {
    await unlink(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw fsError(error, path, 'remove');
  }
  // The run's directory stays, even empty: removing it here raced with a concurrent
  // trackChild of the same run (concurrency > 1) creating its file in it. The next
  // sweep's reapOrphans removes the empty directories of earlier runs.
}

type Tracked = z.infer<typeof trackedSchema> & { path: string };

async function listTracked(stateDir: string, currentRunId: string): Promise<Tracked[]> {
  const root = childrenDirOf(stateDir);
  let runs: string[];
  try {
    runs = await readdir(root);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw fsError(error, root, 'list tracked children in');
  }
  const tracked: Tracked[] = [];
  for (const runId of runs.filter((r) => r !== currentRunId && !r.startsWith('.'))) {
    const files = await readdir(join(root, runId)).catch(() => [] as string[]);
    for (const file of files.filter((f) => /^\d+\.json$/.test(f))) {
      const path = join(root, runId, file);
      const text = await readTextOrNull(path);
      const parsed = trackedSchema.safeParse(text === null ? null : safeJson(text));
      // An unreadable entry names no process we could prove is ours: drop it, signal nothing.
      if (parsed.success) tracked.push({ ...parsed.data, path });
      else await unlink(path).catch(() => undefined);
    }
  }
  return tracked;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function signal(target: number, name: NodeJS.Signals): void {
  try {
    process.kill(target, name);
  } catch (error) {
    if (!isErrno(error, 'ESRCH')) throw error;
  }
}

/**
 * Ends the process groups that earlier (killed) sweeps left behind: SIGTERM, then SIGKILL
 * after graceMs. A pid whose start time no longer matches belongs to someone else and is
 * never signalled. Children of `currentRunId` are left alone.
 */
export async function reapOrphans(opts: {
  stateDir: string;
  currentRunId: string;
  graceMs?: number | undefined;
}): Promise<ReapResult[]> {
  const graceMs = opts.graceMs ?? 5000;
  const ownGroup = (await readProcStat(process.pid))?.pgid;
  const results: ReapResult[] = [];
  const pending: { result: ReapResult; target: number; entry: Tracked }[] = [];

  for (const entry of await listTracked(opts.stateDir, opts.currentRunId)) {
    const base = { pid: entry.pid, runId: entry.runId, pgid: entry.pgid, killed: false };
    const stat = await readProcStat(entry.pid);
    if (entry.host !== hostname()) {
      results.push({ ...base, signalled: false, reason: 'other-host' });
      continue;
    }
    // A zombie leader still holds its pid, so a matching start time proves the group is ours.
    if (stat !== null && stat.startTime === entry.startTime) {
      const leads = entry.pgid === entry.pid && stat.pgid === entry.pid && stat.pgid !== ownGroup;
      const target = leads ? -entry.pid : entry.pid;
      if (await stillThere(target, entry)) {
        signal(target, 'SIGTERM');
        const result: ReapResult = { ...base, signalled: true, reason: 'ended' };
        results.push(result);
        pending.push({ result, target, entry });
        continue;
      }
    }
    results.push({
      ...base,
      signalled: false,
      reason: stat !== null && stat.startTime !== entry.startTime ? 'pid-reused' : 'gone',
    });
    await unlink(entry.path).catch(() => undefined);
  }

  const deadline = Date.now() + graceMs;
  let alive = pending;
  while (alive.length > 0) {
    alive = (
      await Promise.all(alive.map(async (p) => ((await stillThere(p.target, p.entry)) ? p : null)))
    ).filter((p): p is (typeof pending)[number] => p !== null);
    if (alive.length === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(100, Math.max(1, deadline - Date.now())));
  }
  for (const p of alive) {
    signal(p.target, 'SIGKILL');
    p.result.killed = true;
  }
  await Promise.all(pending.map((p) => unlink(p.entry.path).catch(() => undefined)));
  await removeEmptyRunDirs(opts.stateDir, opts.currentRunId);
  return results;
}

async function stillThere(target: number, entry: Tracked): Promise<boolean> {
  if (target < 0) return (await liveGroupMembers(-target)).length > 0;
  const stat = await readProcStat(entry.pid);
  return isRunning(stat) && stat.startTime === entry.startTime;
}

async function removeEmptyRunDirs(stateDir: string, currentRunId: string): Promise<void> {
  const root = childrenDirOf(stateDir);
  const runs = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    runs.filter((r) => r !== currentRunId).map((r) => rmdir(join(root, r)).catch(() => undefined)),
  );
}
