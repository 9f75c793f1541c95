// A separate process for the tests that need real ones: it writes records in a loop, races for
// locks, or starts process groups, and reports on stdout as JSON lines. Bundled by worker-bundle.ts.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { trackChild } from '../children.js';
import { LockedError, RegistryError } from '../errors.js';
import { acquireFlocks } from '../flocks.js';
import { acquireAppLock, acquireSweepLock } from '../locks.js';
import { openRegistry } from '../registry.js';
import { canonicalOf } from './fixtures-data.js';

const say = (message: object) => process.stdout.write(JSON.stringify(message) + '\n');

async function writeLoop(stateDir: string, recipe: string): Promise<void> {
  const registry = openRegistry({ stateDir });
  const current = await registry.readCanonical(recipe);
  let n = current ? Number(current.version.split('.')[1]) : 0;
  await registry.writeCanonical(canonicalOf(recipe, ++n));
  say({ ready: true, n });
  for (;;) await registry.writeCanonical(canonicalOf(recipe, ++n));
}

function failure(error: unknown): object {
  if (LockedError.is(error))
    return { ok: false, code: error.code, holder: error.data.holder, message: error.message };
  if (RegistryError.is(error)) return { ok: false, code: error.code, message: error.message };
  return { ok: false, code: 'UNEXPECTED', message: String(error) };
}

/** Reads `try <runId>` / `release` / `describe <recipe> <phase>` commands; one lock at a time. */
async function lockServer(stateDir: string, staleSeconds: number, kind: string): Promise<void> {
  let held: {
    release(): Promise<void>;
    describe?(u: { recipe: string | null; phase: string | null }): Promise<void>;
  } | null = null;
  say({ ready: true, pid: process.pid });
  for await (const line of createInterface({ input: process.stdin })) {
    const [command, arg, arg2] = line.split(' ');
    try {
      if (command === 'try' && arg) {
        held =
          kind === 'app'
            ? await acquireAppLock({
                stateDir,
                domain: 'warm-gitea.ci.example.org',
                runId: arg,
                staleSeconds,
                recipe: 'gitea',
              })
            : await acquireSweepLock({
                stateDir,
                runId: arg,
                staleSeconds,
                onCompromised: (e) => say({ compromised: e.message }),
              });
        say({ ok: true, pid: process.pid, runId: arg });
      } else if (command === 'describe' && held?.describe) {
        await held.describe({ recipe: arg ?? null, phase: arg2 ?? null });
        say({ ok: true, described: true });
      } else if (command === 'release' && held) {
        await held.release();
        held = null;
        say({ ok: true, released: true });
      }
    } catch (error) {
      say(failure(error));
    }
  }
}

/** Starts a detached process group (leader + grandchild), tracks it, reports both pids. */
async function startGroup(stateDir: string, runId: string, ignoreTerm: boolean): Promise<void> {
  // stdout.write, not console.log: under FORCE_COLOR (set by nx) console.log colours numbers.
  const leaderScript = `
    ${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}
    const c = require('node:child_process').spawn(process.execPath, ['-e', "${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''} setInterval(() => {}, 1000)"], { stdio: 'ignore' });
    process.stdout.write(c.pid + '\\n');
    setInterval(() => {}, 1000);`;
  const leader = spawn(process.execPath, ['-e', leaderScript], {
    detached: true,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const grandchild = await new Promise<number>((resolve) =>
    leader.stdout.once('data', (d: Buffer) => resolve(Number(String(d).trim()))),
  );
  if (!leader.pid) throw new Error('the leader did not start');
  await trackChild({ stateDir, runId, pid: leader.pid });
  say({ leader: leader.pid, grandchild });
  setInterval(() => undefined, 1000);
}

/** Holds flocks on the given paths until killed. */
async function holdFlocks(paths: string[]): Promise<void> {
  await acquireFlocks({ paths });
  say({ held: true, pid: process.pid });
  setInterval(() => undefined, 1000);
}

const [mode, stateDir = '', a = '', b = ''] = process.argv.slice(2);
const run =
  mode === 'write-loop'
    ? writeLoop(stateDir, a)
    : mode === 'lock-server'
      ? lockServer(stateDir, Number(a), b)
      : mode === 'start-group'
        ? startGroup(stateDir, a, b === 'ignore-term')
        : mode === 'hold-flocks'
          ? holdFlocks(process.argv.slice(3))
          : Promise.reject(new Error(`unknown mode ${mode}`));
run.catch((error: unknown) => {
  say(failure(error));
  process.exit(1);
});
