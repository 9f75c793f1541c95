import { readFile, readdir } from 'node:fs/promises';

export type ProcStat = { pid: number; state: string; pgid: number; startTime: string };

/**
 * Fields of /proc/<pid>/stat. The command name (field 2) may hold spaces and parentheses,
 * so fields are counted from the last ')'. startTime is field 22, in clock ticks since boot:
 * with the pid it names one process for the life of the machine.
 */
export async function readProcStat(pid: number): Promise<ProcStat | null> {
  let text: string;
  try {
    text = await readFile(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const [state, , pgid] = fields;
  const startTime = fields[19];
  if (!state || !pgid || !startTime) return null;
  return { pid, state, pgid: Number(pgid), startTime };
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
