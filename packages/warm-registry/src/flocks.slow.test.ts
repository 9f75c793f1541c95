import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile, readlink, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RegistryError } from './errors.js';
import { acquireFlocks } from './flocks.js';
import { useTempDirs } from './testing/fixtures.js';
import { isGone, startWorker, type Worker } from './testing/processes.js';
import { bundleWorker } from './testing/worker-bundle.js';

const tempDir = useTempDirs();
let bundle: Awaited<ReturnType<typeof bundleWorker>>;
const children: { kill(signal: NodeJS.Signals): unknown }[] = [];
beforeAll(async () => {
  bundle = await bundleWorker();
});
afterAll(() => bundle.dispose());
afterEach(() => {
  for (const c of children.splice(0)) c.kill('SIGKILL');
});

// cc-ci's runner takes its app locks like this: fcntl.flock on the open file, exclusive.
const PYTHON = `
import fcntl, os, sys, time
path, mode = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
if mode == 'hold':
    fcntl.flock(fd, fcntl.LOCK_EX)
    print('held', os.getpid(), flush=True)
    sys.stdin.readline()
    os.close(fd)
    print('released', flush=True)
else:
    deadline = time.monotonic() + float(sys.argv[3])
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            print('acquired', flush=True)
            break
        except BlockingIOError:
            if time.monotonic() >= deadline:
                print('blocked', flush=True)
                break
            time.sleep(0.05)
`;

type Python = { child: ChildProcessWithoutNullStreams; lines: AsyncIterator<string> };

function python(path: string, mode: 'hold' | 'try', seconds = 0): Python {
  const child = spawn('python3', ['-c', PYTHON, path, mode, String(seconds)], { stdio: 'pipe' });
  children.push(child);
  return { child, lines: createInterface({ input: child.stdout })[Symbol.asyncIterator]() };
}

async function nextLine(p: Python): Promise<string> {
  const line = await Promise.race([
    p.lines.next(),
    sleep(30_000).then(() => ({ value: 'no output from python in 30 s' })),
  ]);
  return String(line.value);
}

/** What a Python `LOCK_EX | LOCK_NB` attempt gets, retrying for `seconds`. */
async function pythonTries(path: string, seconds = 0): Promise<string> {
  return nextLine(python(path, 'try', seconds));
}

async function pythonHolder(path: string): Promise<{ pid: number; release(): Promise<void> }> {
  const p = python(path, 'hold');
  const line = await nextLine(p);
  expect(line).toMatch(/^held \d+$/);
  return {
    pid: Number(line.split(' ')[1]),
    release: async () => {
      p.child.stdin.write('\n');
      expect(await nextLine(p)).toBe('released');
    },
  };
}

async function caught(promise: Promise<unknown>): Promise<RegistryError> {
  const error = await promise.then(
    () => new Error('expected a RegistryError, the call succeeded'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RegistryError);
  return error as RegistryError;
}

describe('flocks interoperate with Python fcntl.flock', () => {
  it("a Python holder blocks canon: LOCK_HELD naming the file and the holder's pid", async () => {
    const path = join(await tempDir(), 'cc-ci-app-warm-gitea.ci.example.org.lock');
    const holder = await pythonHolder(path);
    const error = await caught(acquireFlocks({ paths: [path] }));
    expect(error.code).toBe('LOCK_HELD');
    expect(error.data).toMatchObject({ path, holderPid: holder.pid });
    expect(error.message).toContain(path);
    expect(error.message).toContain(`pid ${holder.pid}`);
    const started = performance.now();
    expect((await caught(acquireFlocks({ paths: [path], waitSeconds: 0.5 }))).code).toBe(
      'LOCK_HELD',
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(450);
    await holder.release();
    await (await acquireFlocks({ paths: [path] })).release();
  });

  it("canon's lock blocks a Python LOCK_EX | LOCK_NB attempt until it is released", async () => {
    const path = join(await tempDir(), 'app.lock');
    const locks = await acquireFlocks({ paths: [path] });
    expect(await pythonTries(path)).toBe('blocked');
    await locks.release();
    await locks.release();
    expect(await pythonTries(path)).toBe('acquired');
  });

  it('waitSeconds waits and succeeds when the holder lets go', async () => {
    const path = join(await tempDir(), 'app.lock');
    const holder = await pythonHolder(path);
    const waiting = acquireFlocks({ paths: [path], waitSeconds: 30 });
    await sleep(300);
    await holder.release();
    const locks = await waiting;
    expect(locks.paths).toEqual([path]);
    expect(await pythonTries(path)).toBe('blocked');
    await locks.release();
  });

  it('a SIGKILLed Node holder leaves nothing held: Python takes the lock within two seconds', async () => {
    const path = join(await tempDir(), 'app.lock');
    const worker: Worker = startWorker(bundle.path, ['hold-flocks', path]);
    children.push(worker.child);
    expect(await worker.next(30_000)).toMatchObject({ held: true });
    expect(await pythonTries(path)).toBe('blocked');
    worker.child.kill('SIGKILL');
    await worker.exited;
    expect(await pythonTries(path, 2)).toBe('acquired');
  });

  it('takes several locks in sorted order; one held elsewhere fails the whole set and leaves none held', async () => {
    const dir = await tempDir();
    const [a, b, c] = ['a.lock', 'b.lock', 'c.lock'].map((n) => join(dir, n)) as [
      string,
      string,
      string,
    ];
    const locks = await acquireFlocks({ paths: [c, a, b, a] });
    expect(locks.paths).toEqual([a, b, c]);
    await locks.release();
    const holder = await pythonHolder(b);
    const error = await caught(acquireFlocks({ paths: [c, a, b] }));
    expect(error.data.path).toBe(b);
    expect(await pythonTries(a)).toBe('acquired');
    expect(await pythonTries(c)).toBe('acquired');
    await holder.release();
  });

  it('an abort while waiting is LOCK_ABORTED and leaves no flock process behind', async () => {
    const path = join(await tempDir(), 'app.lock');
    const holder = await pythonHolder(path);
    const controller = new AbortController();
    const waiting = caught(
      acquireFlocks({ paths: [path], waitSeconds: 60, signal: controller.signal }),
    );
    await sleep(200);
    const waiters = await lockProcesses(path);
    expect(waiters).toHaveLength(1);
    controller.abort(new Error('SIGTERM'));
    const error = await waiting;
    expect(error.code).toBe('LOCK_ABORTED');
    for (const pid of waiters) expect(await isGone(pid)).toBe(true);
    await holder.release();
    expect(await pythonTries(path)).toBe('acquired');
  });
});

describe('flock paths', () => {
  it("a lock file's missing directory is LOCK_DIR_MISSING naming it; nothing is created", async () => {
    const dir = join(await tempDir(), 'run', 'lock');
    const error = await caught(acquireFlocks({ paths: [join(dir, 'cc-ci-app-x.lock')] }));
    expect(error.code).toBe('LOCK_DIR_MISSING');
    expect(error.data.path).toBe(dir);
    expect(error.message).toContain(dir);
    expect(existsSync(dir)).toBe(false);
  });

  it('a lock path planted as a symlink is SYMLINK_REFUSED and its target is untouched', async () => {
    const dir = await tempDir();
    const victim = join(dir, 'victim');
    await writeFile(victim, 'precious\n');
    await symlink(victim, join(dir, 'app.lock'));
    expect((await caught(acquireFlocks({ paths: [join(dir, 'app.lock')] }))).code).toBe(
      'SYMLINK_REFUSED',
    );
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
  });

  it('a released lock leaves no flock child running', async () => {
    const path = join(await tempDir(), 'app.lock');
    const locks = await acquireFlocks({ paths: [path] });
    const pids = await lockProcesses(path);
    expect(pids.length).toBeGreaterThan(0);
    await locks.release();
    for (const pid of pids) expect(await isGone(pid)).toBe(true);
  });
});

/** Pids of this process's children that hold or wait for `path`: flock(1), or the cat it became. */
async function lockProcesses(path: string): Promise<number[]> {
  const text = await readFile(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8');
  const pids = text.trim().split(/\s+/).filter(Boolean).map(Number);
  const ours: number[] = [];
  for (const pid of pids) {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '')).split('\0');
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    const files = await Promise.all(
      fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')),
    );
    const isFlock = argv[0] === 'flock' || argv[0] === 'cat';
    if (isFlock && (argv.includes(path) || files.includes(path))) ours.push(pid);
  }
  return ours;
}
