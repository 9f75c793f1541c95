import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { LISTEN_ENVIRONMENT } from '@canon/timer-units';

export type SweepChildResult = { exitCode: number | null; signal: NodeJS.Signals | null; runId: string | null; stderrTail: string };

export type SweepChild = {
  readonly pid: number | undefined;
  readonly done: Promise<SweepChildResult>;
  /** SIGTERM to the child's process group: the sweep stops its steps and records `interrupted: true`. */
  terminate(signal?: NodeJS.Signals): void;
};

export type SweepLauncher = (recipes: readonly string[]) => SweepChild;

export type LauncherOptions = {
  /** The canon CLI script this listener runs from; the child is the same binary. */
  cliScript: string;
  configPath: string;
  /** Variables the child must not inherit (the forge token's), as for every command canon runs. */
  withheldEnv: readonly string[];
};

const STDERR_TAIL = 4096;

/** `canon sweep --json --config F --recipe A --recipe B …` as a child in its own process group. */
export function sweepLauncher(opts: LauncherOptions): SweepLauncher {
  return (recipes) => {
    const argv = [opts.cliScript, 'sweep', '--json', '--config', opts.configPath, ...recipes.flatMap((r) => ['--recipe', r])];
    // The unit's memory settings are the listener's (a long-running server), not the sweep's.
    const env = Object.fromEntries(
      Object.entries(process.env).filter(([name, value]) => !opts.withheldEnv.includes(name) && LISTEN_ENVIRONMENT[name] !== value),
    );
    // Own group: a Ctrl-C on the listener's terminal must not reach the sweep before the listener decides.
    const child = spawn(process.execPath, argv, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' } });
    let runId: string | null = null;
    let stderr = '';
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (runId !== null || !line.startsWith('{')) return;
      try {
        const event = JSON.parse(line) as { type?: unknown; runId?: unknown };
        if (event.type === 'run-start' && typeof event.runId === 'string') runId = event.runId;
      } catch {
        // a line of something else: only the run-start event is wanted
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-STDERR_TAIL);
    });
    const done = new Promise<SweepChildResult>((resolve) => {
      child.once('error', (error) => resolve({ exitCode: null, signal: null, runId, stderrTail: `${stderr}${String(error)}` }));
      child.once('close', (exitCode, signal) => resolve({ exitCode, signal, runId, stderrTail: stderr }));
    });
    return {
      pid: child.pid,
      done,
      terminate(signal = 'SIGTERM') {
        if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
        try {
          process.kill(-child.pid, signal);
        } catch {
          // already gone
        }
      },
    };
  };
}
