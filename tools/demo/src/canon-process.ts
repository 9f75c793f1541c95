// Runs the real, built `canon` binary as a child process and keeps track of it, so that
// Ctrl-C (or SIGTERM) reaches it, it is waited for, and nothing it started outlives the demo.

import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** `packages/sweep-orchestrator/bin/canon.js`, the launcher npm links as `canon`. */
export const CANON_BIN = join(dirname(require.resolve('@canon/sweep-orchestrator/package.json')), 'bin', 'canon.js');

export type CanonRun = { code: number | null; signal: NodeJS.Signals | null; stdout: string };

export type CanonRunner = {
  /**
   * Runs `canon <args>`. `show`: its output goes straight to the terminal (canon's live view
   * when that is a TTY); otherwise stdout is captured and stderr goes to `logFile` if given.
   */
  run(args: string[], opts?: { show?: boolean; logFile?: string }): Promise<CanonRun>;
  /** Asks the running canon to stop (SIGINT, as Ctrl-C would), then SIGKILLs it after `graceMs`. */
  stop(graceMs: number): Promise<void>;
};

export function canonRunner(env: NodeJS.ProcessEnv, cwd: string): CanonRunner {
  let current: { child: ChildProcess; done: Promise<CanonRun> } | null = null;
  return {
    run(args, opts = {}) {
      const show = opts.show ?? false;
      // Its own process group: a terminal's Ctrl-C reaches the demo alone, which then
      // sends canon exactly one SIGINT and waits for it to stop its children.
      const child = spawn(process.execPath, [CANON_BIN, ...args], {
        cwd,
        env,
        detached: true,
        stdio: show ? 'inherit' : ['ignore', 'pipe', opts.logFile ? 'pipe' : 'inherit'],
      });
      let stdout = '';
      child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
      if (opts.logFile && child.stderr) child.stderr.pipe(createWriteStream(opts.logFile));
      const done = new Promise<CanonRun>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code, signal) => {
          current = null;
          resolve({ code, signal, stdout });
        });
      });
      current = { child, done };
      return done;
    },
    async stop(graceMs) {
      const running = current;
      if (!running) return;
      running.child.kill('SIGINT');
      const timer = setTimeout(() => running.child.kill('SIGKILL'), graceMs);
      await running.done.catch(() => undefined);
      clearTimeout(timer);
    },
  };
}
