import { MirrorSyncError, type MirrorSyncErrorCode, type MirrorSyncStage } from '../errors.js';
import type { RemoteAuth } from '../types.js';
import { redactText, redactUrl } from '../url.js';
import { gitAuthEnv, secretsOf } from './auth.js';
import { runGitCommand, tail, type GitCommandResult } from './run-git.js';

export type GitStep = {
  stage: MirrorSyncStage;
  recipe: string;
  /** The remote this step talks to (redacted in every error), or null for local steps. */
  remote: string | null;
  auth?: RemoteAuth | undefined;
  timeoutMs: number;
  cwd?: string;
  /** Failure code when the output says nothing more specific. */
  failCode: MirrorSyncErrorCode;
  /** What the step was trying to do, for the message. */
  doing: string;
  /** Exit codes that are answers, not failures (e.g. merge-tree's 1 = conflict). */
  okCodes?: readonly number[];
  input?: string;
  signal?: AbortSignal | undefined;
};

function codeFromStderr(
  stderr: string,
  fallback: MirrorSyncErrorCode,
): { code: MirrorSyncErrorCode; status?: number } {
  const http = /returned error: (\d{3})/.exec(stderr);
  const status = http?.[1] ? Number(http[1]) : undefined;
  if (
    status === 401 ||
    status === 403 ||
    /Authentication failed|could not read Username/.test(stderr)
  ) {
    return { code: 'AUTH_FAILED', ...(status === undefined ? {} : { status }) };
  }
  if (status === 404) return { code: 'NOT_FOUND', status };
  if (status !== undefined && status >= 500) return { code: 'REMOTE_UNAVAILABLE', status };
  if (
    fallback === 'PUSH_FAILED' &&
    /\[(remote )?rejected\]|atomic push failed|pre-receive hook declined/.test(stderr)
  )
    return { code: 'PUSH_REJECTED' };
  if (/Could not resolve host|Failed to connect|Connection refused|Connection reset/.test(stderr))
    return { code: 'REMOTE_UNAVAILABLE' };
  return { code: fallback };
}

/** Runs one git step; any failure becomes a `MirrorSyncError` naming the stage, with redacted details. */
export async function gitStep(step: GitStep, args: readonly string[]): Promise<GitCommandResult> {
  const secrets = secretsOf(step.auth);
  const result = await runGitCommand(args, {
    ...(step.cwd === undefined ? {} : { cwd: step.cwd }),
    env: gitAuthEnv(step.auth),
    timeoutMs: step.timeoutMs,
    ...(step.input === undefined ? {} : { input: step.input }),
    ...(step.signal === undefined ? {} : { signal: step.signal }),
  });
  if (
    !result.timedOut &&
    result.exitCode !== null &&
    (step.okCodes ?? [0]).includes(result.exitCode)
  )
    return result;
  const stderr = redactText(result.stderr, secrets);
  const remote = step.remote === null ? '' : redactUrl(step.remote);
  const { code, status } = result.aborted
    ? { code: 'ABORTED' as const, status: undefined }
    : result.timedOut
      ? { code: 'TIMEOUT' as const, status: undefined }
      : codeFromStderr(stderr, step.failCode);
  const outcome = result.aborted
    ? 'it was interrupted (the run is stopping) and its process group was killed'
    : result.timedOut
    ? `it did not finish within ${String(step.timeoutMs)} ms and its process group was killed`
    : `git exited with ${result.exitCode === null ? `signal ${String(result.signal)}` : String(result.exitCode)}: ${tail(stderr, 3).trim() || '(no output)'}`;
  throw new MirrorSyncError(code, {
    recipe: step.recipe,
    remote,
    stage: step.stage,
    ...(status === undefined ? {} : { status }),
    argv: result.argv.map((a) => redactText(a, secrets)),
    ...(result.cwd === undefined ? {} : { cwd: result.cwd }),
    exitCode: result.exitCode,
    signal: result.signal,
    stderrTail: tail(stderr),
    detail: `${step.recipe}: ${step.doing}${remote ? ` (${remote})` : ''} failed: ${outcome}. The mirror keeps what it had before this step; fix the cause and sync again.`,
  });
}
