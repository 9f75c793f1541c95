import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

// cc-ci's runner takes its app locks like this: fcntl.flock on the open file, exclusive.
const HOLDER = `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print('held', flush=True)
sys.stdin.readline()
`;

// Takes the lock without blocking, as a second cc-ci run would, and says whether it got it.
const PROBE = `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    print('free')
except BlockingIOError:
    print('held')
`;

export type PythonHolder = { pid: number; release(): Promise<void> };

/** A real Python process holding `fcntl.flock(LOCK_EX)` on `path` until released (or killed). */
export async function holdWithPython(path: string): Promise<PythonHolder> {
  const child = spawn('python3', ['-c', HOLDER, path], { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.value !== 'held') {
    child.kill('SIGKILL');
    throw new Error(`the Python holder of ${path} printed ${String(first.value)} instead of "held"`);
  }
  return {
    pid: child.pid ?? -1,
    release: async () => {
      child.stdin.end('\n');
      await exited;
    },
  };
}

/** Whether a Python `fcntl.flock(LOCK_EX | LOCK_NB)` on `path` would get the lock now. */
export async function pythonSeesLock(path: string): Promise<'free' | 'held'> {
  const child = spawn('python3', ['-c', PROBE, path], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise<void>((resolve) => child.once('close', () => resolve()));
  const answer = out.trim();
  if (answer !== 'free' && answer !== 'held') throw new Error(`the Python probe of ${path} printed ${JSON.stringify(answer)}`);
  return answer;
}

// The same probe, writing its answer to a file: run as a promote command, it tells what a cc-ci
// run would have seen in the middle of the promote.
const PROBE_INTO_FILE = `
import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
try:
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    seen = 'free'
except BlockingIOError:
    seen = 'held'
open(sys.argv[2], 'w').write(seen)
`;

/** argv of a command that writes `free` or `held` (the lock on `path` as cc-ci would find it) into `out`. */
export function probeLockIntoFile(path: string, out: string): string[] {
  return ['python3', '-c', PROBE_INTO_FILE, path, out];
}
