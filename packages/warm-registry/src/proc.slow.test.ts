import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  groupHasLiveMembers,
  isProcessRunning,
  liveGroupMembers,
  readProcStat,
  readProcStatSync,
} from '@canon/warm-registry';

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('the /proc reader', () => {
  it('sees a real process group while it lives, and neither it nor its zombie after a kill', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
      detached: true,
      stdio: 'ignore',
    });
    const pid = child.pid ?? 0;
    try {
      const stat = readProcStatSync(pid);
      expect(stat).toMatchObject({ pid, pgid: pid });
      expect(await readProcStat(pid)).toEqual(stat);
      expect(isProcessRunning(pid)).toBe(true);
      expect(groupHasLiveMembers(pid)).toBe(true);
      expect(await liveGroupMembers(pid)).toEqual([pid]);
      // Kill without reaping: the child stays a zombie until 'exit' is handled.
      process.kill(-pid, 'SIGKILL');
      await until(() => readProcStatSync(pid)?.state === 'Z' || readProcStatSync(pid) === null);
      expect(isProcessRunning(pid)).toBe(false);
      expect(groupHasLiveMembers(pid)).toBe(false);
      expect(await liveGroupMembers(pid)).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
    }
    expect(readProcStatSync(pid)).toBeNull();
    expect(isProcessRunning(pid)).toBe(false);
  });
});
