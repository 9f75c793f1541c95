import { execa } from 'execa';

export type GitCommandResult = {
  argv: readonly string[];
  cwd: string | undefined;
  stdout: string;
  stderr: string;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
};

export type GitCommandOptions = {
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs: number;
  /** Time between SIGTERM and SIGKILL to the group after a timeout. */
  killGraceMs?: number;
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
  const child = execa('git', args, {
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    env: { ...BASE_ENV, ...opts.env },
    detached: true,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: true,
  });
  let timedOut = false;
  let killTimer: NodeJS.Timeout | undefined;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid, 'SIGTERM');
    killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), opts.killGraceMs ?? 2000);
  }, opts.timeoutMs);
  try {
    const result = await child;
    return {
      argv: ['git', ...args],
      cwd: opts.cwd,
      stdout: String(result.stdout ?? ''),
      stderr: String(result.stderr ?? ''),
      exitCode: result.exitCode ?? null,
      signal: result.signal ?? null,
      timedOut,
    };
  } finally {
    clearTimeout(timer);
    if (killTimer) clearTimeout(killTimer);
    // A helper that outlived git (or ignored SIGTERM) must not outlive this call.
    if (timedOut) killGroup(child.pid, 'SIGKILL');
  }
}

/** The last lines of stderr, for error data. */
export function tail(text: string, lines = 15): string {
  return text.split('\n').slice(-lines).join('\n');
}
