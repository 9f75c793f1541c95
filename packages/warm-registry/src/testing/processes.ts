import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { readProcStat, isRunning } from '../proc.js';

export type Worker = {
  readonly child: ChildProcessWithoutNullStreams;
  readonly pid: number;
  /** The next JSON line the worker prints. */
  next(timeoutMs?: number): Promise<Record<string, unknown>>;
  send(line: string): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
};

export function startWorker(workerPath: string, args: string[]): Worker {
  const child = spawn(process.execPath, [workerPath, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const waiters: ((line: string) => void)[] = [];
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += String(d)));
  createInterface({ input: child.stdout }).on('line', (line) => {
    const waiter = waiters.shift();
    if (waiter) waiter(line);
    else lines.push(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    child,
    pid: child.pid ?? -1,
    exited,
    send: (line) => child.stdin.write(line + '\n'),
    next(timeoutMs = 10_000) {
      const queued = lines.shift();
      if (queued !== undefined)
        return Promise.resolve(JSON.parse(queued) as Record<string, unknown>);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `worker ${child.pid} printed nothing in ${timeoutMs} ms; stderr: ${stderr}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push((line) => {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, unknown>);
        });
      });
    },
  };
}

/** True when the process no longer runs (gone, or a zombie nobody has collected yet). */
export async function isGone(pid: number): Promise<boolean> {
  return !isRunning(await readProcStat(pid));
}
