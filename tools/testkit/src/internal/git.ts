import { execa } from 'execa';

// Fixtures must not depend on the machine's git identity or config: a developer's
// global `init.defaultBranch`, signing or hooks would otherwise leak into the repos.
const FIXTURE_ENV: Record<string, string> = {
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
  GIT_AUTHOR_NAME: 'Canon Fixture',
  GIT_AUTHOR_EMAIL: 'fixture@canon.invalid',
  GIT_COMMITTER_NAME: 'Canon Fixture',
  GIT_COMMITTER_EMAIL: 'fixture@canon.invalid',
};

export type GitRunOptions = {
  cwd?: string;
  input?: string;
  env?: Record<string, string>;
  /** Exit codes that count as success; default [0]. */
  okCodes?: readonly number[];
};

export type GitRunResult = { stdout: string; stderr: string; exitCode: number };

/** Runs system git with an argv array (never a shell) and fixture-safe environment. */
export async function runGit(
  args: readonly string[],
  opts: GitRunOptions = {},
): Promise<GitRunResult> {
  const result = await execa('git', args, {
    ...(opts.cwd === undefined ? {} : { cwd: opts.cwd }),
    ...(opts.input === undefined ? {} : { input: opts.input }),
    env: { ...FIXTURE_ENV, ...opts.env },
    reject: false,
    stripFinalNewline: true,
  });
  const exitCode = result.exitCode ?? -1;
  const okCodes = opts.okCodes ?? [0];
  if (!okCodes.includes(exitCode)) {
    throw new Error(
      `git ${args.join(' ')} failed with exit code ${String(exitCode)}${opts.cwd ? ` in ${opts.cwd}` : ''}: ${String(result.stderr).slice(-2000)}`,
    );
  }
  return { stdout: String(result.stdout), stderr: String(result.stderr), exitCode };
}
