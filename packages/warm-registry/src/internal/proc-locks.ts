import { readFile, stat } from 'node:fs/promises';

/**
 * The pid holding a flock(2) on `path`, from /proc/locks (`1: FLOCK ADVISORY WRITE <pid>
 * <maj>:<min>:<inode> 0 EOF`), or null when it cannot be told (gone meanwhile, no /proc, or a
 * pid from another pid namespace, which /proc/locks shows as 0).
 */
export async function flockHolderPid(path: string): Promise<number | null> {
  let dev: bigint;
  let ino: bigint;
  let table: string;
  try {
    ({ dev, ino } = await stat(path, { bigint: true }));
    table = await readFile('/proc/locks', 'utf8');
  } catch {
    return null;
  }
  const major = ((dev >> 8n) & 0xfffn) | ((dev >> 32n) & ~0xfffn);
  const minor = (dev & 0xffn) | ((dev >> 12n) & ~0xffn);
  const holders = table
    .split('\n')
    .map((line) => /^\d+:\s+FLOCK\s+\S+\s+\S+\s+(\d+)\s+([0-9a-f]+):([0-9a-f]+):(\d+)\s/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null && BigInt(m[4] ?? '-1') === ino)
    .map((m) => ({
      pid: Number(m[1]),
      sameDevice: BigInt(`0x${m[2] ?? ''}`) === major && BigInt(`0x${m[3] ?? ''}`) === minor,
    }));
  // Stacked file systems (overlayfs) report another device than stat does: then trust a lone match.
  const pick = holders.find((h) => h.sameDevice) ?? (holders.length === 1 ? holders[0] : undefined);
  return pick === undefined || pick.pid <= 0 ? null : pick.pid;
}
