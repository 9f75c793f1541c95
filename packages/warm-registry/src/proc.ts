import { readdirSync, readFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';

// The one reader of /proc in canon: child tracking here and the runner's process-group
// checks in sweep-orchestrator both ask it.

export type ProcStat = { pid: number; state: string; pgid: number; startTime: string };

/**
 * Fields of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses,
 * so fields are counted from the last ')'. startTime is field 22, in clock ticks since boot:
 * with the pid it names one process for the life of the machine.
 */
function parseProcStat(pid: number, text: string): ProcStat | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , pgid] = fields;
  const startTime = fields[19];
  if (!state || !pgid || !startTime) return null;
  return { pid, state, pgid: Number(pgid), startTime };
}

/** The pid's /proc stat, or null when the pid does not exist (or /proc cannot be read). */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  const text = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  return text === null ? null : parseProcStat(pid, text);
}

/** `readProcStat` for callers that must not wait, such as exit handlers. */
export function readProcStatSync(pid: number): ProcStat | null {
  try {
    return parseProcStat(pid, readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** A zombie has already exited; it only waits for a parent (or init) to collect it. */
export function isRunning(stat: ProcStat | null): stat is ProcStat {
  return stat !== null && stat.state !== 'Z' && stat.state !== 'X';
}

/** Pids of the live (non-zombie) members of a process group. */
export async function liveGroupMembers(pgid: number): Promise<number[]> {
  const entries = await readdir('/proc').catch(() => [] as string[]);
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readProcStat(Number(entry));
    if (isRunning(stat) && stat.pgid === pgid) members.push(stat.pid);
  }
  return members;
}

/**
 * Whether the group still has a running member. Zombies do not count: where PID 1 does not
 * reap orphans (some containers), `kill(-pgid, 0)` keeps succeeding for a group of corpses.
 * Without /proc, the signal probe is all there is.
 */
export function groupHasLiveMembers(pgid: number): boolean {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return signalReaches(-pgid);
  }
  return entries.some((name) => {
    if (!/^\d+$/.test(name)) return false;
    const stat = readProcStatSync(Number(name));
    return isRunning(stat) && stat.pgid === pgid;
  });
}

/** Whether `pid` is a running (not zombie) process; without /proc, whether it exists. */
export function isProcessRunning(pid: number): boolean {
  if (!signalReaches(pid)) return false;
  const stat = readProcStatSync(pid);
  return stat === null ? true : isRunning(stat);
}

function signalReaches(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch {
    return false;
  }
}
