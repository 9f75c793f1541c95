
export type GitCommandResult = {
  argv: readonly string[];
  cwd: string | undefined;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  /** True when `signal` stopped git (or it never started because the signal had fired). */
  aborted: boolean;
};

export type GitCommandOptions = {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL to the group after a timeout. */
  killGraceMs?: number;
  /** Aborting kills git's whole process group (SIGTERM, then SIGKILL after the grace). */
  signal?: AbortSignal;
  /** Written to git's stdin (e.g. an `update-ref --stdin` transaction); none by default. */
  input?: string;
};

const BASE_ENV: Record<string, string> = {
  // Never wait for a password on a terminal nobody watches.
  GIT_TERMINAL_PROMPT: '0',
  GCM_INTERACTIVE: 'never',
  // Only real network transports: no ext::, no file://, no fd::.
  GIT_ALLOW_PROTOCOL: 'https:http:ssh',
  LC_ALL: 'C',
};

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

/**
 * Runs system git with an argv array in its own process group. On timeout the whole
 * group gets SIGTERM, then SIGKILL: killing only git would leave `git-remote-http`
 * holding the pipe, and the call would never return (NOTES.md, execa).
 */
export async function runGitCommand(
  args: readonly string[],
  opts: GitCommandOptions,
): Promise<GitCommandResult> {
  // Loaded on first use: a listing or a no-op sweep never runs git, and execa costs ~100 ms.
  const { execa } = await import('execa');
  if (opts.signal?.aborted === true) {
    return { argv: ['git', ...args], cwd: opts.cwd, stdout: '', stderr: '', exitCode: null, signal: null, timedOut: false, aborted: true };
  }
  const child = execa('git', args, {
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    env: { ...BASE_ENV, ...opts.env },
    detached: true,
    reject: false,
    ...(opts.input === undefined ? { stdin: 'ignore' as const } : { input: opts.input }),
    stripFinalNewline: true,
  });
  let timedOut = false;
  let aborted = false;
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    killGroup(child.pid, 'SIGTERM');
    killTimer ??= setTimeout(() => killGroup(child.pid, 'SIGKILL'), opts.killGraceMs ?? 2000);
  };
  const timer = setTimeout(() => {
    timedOut = true;
    stop();
  }, opts.timeoutMs);
  const onAbort = () => {
    aborted = true;
    stop();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await child;
    return {
      argv: ['git', ...args],
      cwd: opts.cwd,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      timedOut: timedOut && !aborted,
      aborted,
    };
  } finally {
    clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    opts.signal?.removeEventListener('abort', onAbort);
    // A helper that outlived git (or ignored SIGTERM) must not outlive this call.
    if (timedOut || aborted) killGroup(child.pid, 'SIGKILL');
  }
}

/** The last lines of stderr, for error data. */
export function tail(text: string, lines = 15): string {
  return text.split('\n').slice(-lines).join('\n');
}
