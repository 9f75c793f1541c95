import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { lstat, stat } from 'node:fs/promises';
import type { Socket } from 'node:net';
import { dirname, resolve } from 'node:path';
import { RegistryError } from './errors.js';
import { symlinkRefused } from './internal/atomic-file.js';
import { fsError, isErrno } from './internal/fs-errors.js';
import { flockHolderPid } from './internal/proc-locks.js';

export type FlockOptions = {
  /** Lock files (created when missing, in a directory that must exist); taken in sorted order. */
  paths: string[];
  /** How long to wait for locks held elsewhere, in total; 0 (default) fails at once. */
  waitSeconds?: number | undefined;
  signal?: AbortSignal | undefined;
};

export interface Flocks {
  /** The lock files held, in the order they were taken. */
  readonly paths: readonly string[];
  /** Releases every lock (idempotent); resolves once the holding processes are gone. */
  release(): Promise<void>;
}

/** `flock(1)` exits with this when the lock is held elsewhere (its default, 1, is also cat's). */
const CONFLICT_EXIT = 75;
const STDERR_TAIL = 2000;

/**
 * Takes exclusive flock(2) locks, the kind Python's `fcntl.flock(fd, LOCK_EX)` takes, so canon and
 * cc-ci's runner exclude each other. Node has no flock: each lock is held by a `flock --no-fork
 * FILE cat` child whose stdin is a pipe from this process, so when this process dies (even by
 * SIGKILL) the pipe closes, cat exits and the kernel drops the lock. cat echoing the byte written
 * to its stdin proves flock(1) got the lock, because flock(1) starts cat only then.
 */
export async function acquireFlocks(opts: FlockOptions): Promise<Flocks> {
  const waitSeconds = opts.waitSeconds ?? 0;
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) {
    throw new RegistryError('INVALID_OPTION', {
      path: '',
      waitSeconds,
      detail: `Expected waitSeconds to be a number ≥ 0, got ${String(waitSeconds)}; fix promote.lockWaitSeconds.`,
    });
  }
  const paths = [...new Set(opts.paths.map((p) => resolve(p)))].sort();
  for (const path of paths) await checkLockPath(path);
  const deadline = performance.now() + waitSeconds * 1000;
  const held: Held[] = [];
  try {
    for (const path of paths) {
      held.push(
        await takeOne(path, Math.max(0, (deadline - performance.now()) / 1000), opts.signal),
      );
    }
  } catch (error) {
    await Promise.all(held.map((h) => h.release()));
    throw error;
  }
  let released: Promise<void> | null = null;
  return {
    paths,
    release: () =>
      (released ??= Promise.all(held.reverse().map((h) => h.release())).then(() => undefined)),
  };
}

type Held = { release(): Promise<void> };

async function checkLockPath(path: string): Promise<void> {
  const dir = dirname(path);
  try {
    if (!(await stat(dir)).isDirectory()) {
      throw new RegistryError('NOT_A_DIRECTORY', {
        path: dir,
        lockPath: path,
        detail: `Expected ${dir} to be the directory of the lock file ${path}, but it is not a directory; fix the lock path.`,
      });
    }
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) {
      throw new RegistryError(
        'LOCK_DIR_MISSING',
        {
          path: dir,
          lockPath: path,
          detail:
            `Expected the directory ${dir} of the lock file ${path} to exist, but it does not; canon does not create it ` +
            '(the other tools that take this lock would not see it): fix the lock path or create the directory.',
        },
        { cause: error },
      );
    }
    throw fsError(error, dir, 'inspect');
  }
  try {
    if ((await lstat(path)).isSymbolicLink()) throw symlinkRefused(path, 'a file');
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw fsError(error, path, 'inspect');
  }
}

function takeOne(
  path: string,
  waitSeconds: number,
  signal: AbortSignal | undefined,
): Promise<Held> {
  const wait = waitSeconds > 0 ? ['--timeout', waitSeconds.toFixed(3)] : ['--nonblock'];
  const argv = [
    '--exclusive',
    ...wait,
    '--conflict-exit-code',
    String(CONFLICT_EXIT),
    '--no-fork',
    path,
    'cat',
  ];
  return new Promise<Held>((resolvePromise, reject) => {
    if (signal?.aborted) {
      reject(aborted(path, signal.reason));
      return;
    }
    const child = spawn('flock', argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    let settled = false;
    const exited = new Promise<void>((done) => child.once('close', () => done()));
    const onAbort = () => {
      child.kill('SIGKILL');
      finish(() => reject(aborted(path, signal?.reason)));
    };
    const finish = (settle: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + String(chunk)).slice(-STDERR_TAIL)),
    );
    child.stdin.on('error', () => undefined);
    child.once('error', (error) =>
      finish(() => reject(lockFailed(path, argv, null, null, stderr, error))),
    );
    child.stdout.once('data', () =>
      finish(() => {
        detach(child);
        resolvePromise({ release: () => releaseChild(child, exited) });
      }),
    );
    child.once('exit', (code, sig) => {
      if (code === CONFLICT_EXIT) {
        void flockHolderPid(path).then((holderPid) =>
          finish(() => reject(lockHeld(path, waitSeconds, holderPid))),
        );
      } else {
        finish(() => reject(lockFailed(path, argv, code, sig, stderr)));
      }
    });
    child.stdin.write('\n');
  });
}

/** A held lock must not keep the process alive by itself: exiting releases it anyway. */
function detach(child: ChildProcessWithoutNullStreams): void {
  child.stdout.destroy();
  child.stderr.destroy();
  (child.stdin as unknown as Socket).unref();
  child.unref();
}

async function releaseChild(
  child: ChildProcessWithoutNullStreams,
  exited: Promise<void>,
): Promise<void> {
  child.ref();
  (child.stdin as unknown as Socket).ref();
  child.stdin.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function lockHeld(path: string, waitSeconds: number, holderPid: number | null): RegistryError {
  const who = holderPid === null ? 'another process' : `pid ${holderPid}`;
  const waited = waitSeconds > 0 ? ` after waiting ${waitSeconds.toFixed(1)} s` : '';
  return new RegistryError('LOCK_HELD', {
    path,
    holderPid,
    waitSeconds,
    detail:
      `Expected to take the flock on ${path}, but ${who} holds it${waited}; ` +
      'another CI run is using this app: wait for it, or raise promote.lockWaitSeconds.',
  });
}

function aborted(path: string, reason: unknown): RegistryError {
  return new RegistryError(
    'LOCK_ABORTED',
    {
      path,
      detail: `Stopped waiting for the flock on ${path}: ${reason instanceof Error ? reason.message : String(reason ?? 'aborted')}; no lock is held.`,
    },
    reason === undefined ? undefined : { cause: reason },
  );
}

function lockFailed(
  path: string,
  argv: string[],
  code: number | null,
  sig: NodeJS.Signals | null,
  stderr: string,
  cause?: unknown,
): RegistryError {
  const how =
    cause !== undefined
      ? `could not start (${String((cause as Error).message)})`
      : `exited with ${code ?? sig}`;
  return new RegistryError(
    'LOCK_FAILED',
    {
      path,
      argv: ['flock', ...argv],
      exitCode: code,
      signal: sig,
      stderr: stderr.trim(),
      detail:
        `Expected flock(1) to take ${path}, but \`flock ${argv.join(' ')}\` ${how}${stderr.trim() ? `: ${stderr.trim()}` : ''}; ` +
        'check that util-linux flock is on PATH and the lock file is readable.',
    },
    cause === undefined ? undefined : { cause },
  );
}
