import { spawn } from 'node:child_process';
import { mkdir, open } from 'node:fs/promises';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { CanonError } from '@canon/errors';
import { trackChild, untrackChild } from '@canon/warm-registry';
import { CommandLog } from './internal/command-log.js';
import { longTimeout } from './internal/long-timeout.js';
import { groupHasLiveMembers, signalGroup } from './internal/process-group.js';

export { canonEnv } from './canon-env.js';
export type { CanonEnvValues } from './canon-env.js';

export type RunCommandOptions = {
  argv: string[];
  cwd: string;
  /** Added to (and overriding) canon's own environment. */
  env: Record<string, string>;
  timeoutMs: number;
  killGraceMs: number;
  /** Appended to; parent directories are created. */
  logFile: string;
  stateDir: string;
  runId: string;
  /** Keep stdout in the result (it is logged either way). */
  capture?: boolean;
  signal?: AbortSignal;
  /** Variables of canon's own environment the child must not inherit (e.g. the forge token's). */
  withheldEnv?: readonly string[];
  /** Values masked wherever they appear in the log (the command's output and canon's own lines). */
  secrets?: readonly string[];
};

export type CommandResult = {
  argv: string[];
  /** null when killed by a signal, and always null when canon stopped it (timedOut or aborted). */
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  aborted: boolean;
  durationMs: number;
  /** Only filled with `capture: true`. */
  stdout: string;
  stderrTail: string;
};

export const COMMAND_ERROR_CODES = ['SPAWN_FAILED', 'TRACK_FAILED', 'LOG_UNWRITABLE', 'LOG_DISK_FULL', 'LOG_WRITE_FAILED'] as const;

export type CommandErrorCode = (typeof COMMAND_ERROR_CODES)[number];

export type CommandErrorData = { argv: string[]; cwd: string; logFile: string };

export class CommandError extends CanonError<CommandErrorCode, CommandErrorData> {
  static override readonly brand = 'CommandError';
  static override readonly codes = COMMAND_ERROR_CODES;

  constructor(code: CommandErrorCode, data: CommandErrorData, options: { cause: unknown }) {
    const why = (options.cause as Error | undefined)?.message ?? String(options.cause);
    const messages: Record<CommandErrorCode, string> = {
      SPAWN_FAILED: `could not start ${formatArgv(data.argv)} in ${data.cwd}: ${why}; check that the program is installed and on PATH and that the directory exists`,
      TRACK_FAILED: `could not record the process group of ${formatArgv(data.argv)} under the state directory: ${why}; the command was stopped`,
      LOG_UNWRITABLE: `could not open the log file ${data.logFile}: ${why}; check that the state directory is writable. ${formatArgv(data.argv)} was not started`,
      LOG_DISK_FULL: `the disk holding the log file ${data.logFile} is full (${why}); ${formatArgv(data.argv)} was stopped because its output could not be kept. Free space under the state directory and run again`,
      LOG_WRITE_FAILED: `could not write the log file ${data.logFile}: ${why}; ${formatArgv(data.argv)} was stopped because its output could not be kept. Check the disk holding the state directory`,
    };
    super(code, data, options, messages[code]);
  }
}

const STDERR_TAIL_BYTES = 4096;
const isNoSpace = (error: unknown) => ['ENOSPC', 'EDQUOT'].includes((error as NodeJS.ErrnoException | null)?.code ?? '');
const CAPTURE_LIMIT_BYTES = 1 << 20;
/** After the group is gone, how long to wait for the pipes to close (an escaped `setsid` process may hold them). */
const PIPE_DRAIN_MS = 1000;

/** Waits for the pipes' end: as long as the log is still taking their output, else PIPE_DRAIN_MS. */
async function drainPipes(pipesClosed: Promise<unknown>, log: CommandLog): Promise<void> {
  let closed = false;
  void pipesClosed.then(() => (closed = true));
  const since = performance.now();
  while (!closed && (log.behind || performance.now() - since < PIPE_DRAIN_MS)) await Promise.race([pipesClosed, sleep(50)]);
}

function childEnv(extra: Record<string, string>, withheld: readonly string[]): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !withheld.includes(name));
  return { ...Object.fromEntries(inherited), ...extra };
}

export function formatArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ');
}

/**
 * The one place canon starts another program: argv only, in its own process group, with a
 * timeout that ends the whole group (SIGTERM, then SIGKILL after the grace period) and a final
 * group SIGKILL so nothing it started outlives it. Never throws for a non-zero exit.
 */
export async function runCommand(opts: RunCommandOptions): Promise<CommandResult> {
  const started = performance.now();
  const [program, ...args] = opts.argv;
  const errorData = { argv: opts.argv, cwd: opts.cwd, logFile: opts.logFile };
  let fd;
  try {
    await mkdir(dirname(opts.logFile), { recursive: true });
    fd = await open(opts.logFile, 'a');
  } catch (cause) {
    throw new CommandError(isNoSpace(cause) ? 'LOG_DISK_FULL' : 'LOG_UNWRITABLE', errorData, { cause });
  }
  // Opened up front so a log that cannot be written stops the step before anything starts.
  let onLogFailure = () => {};
  const log = new CommandLog(fd, opts.secrets ?? [], () => onLogFailure());
  const logFailure = (error: Error) => new CommandError(isNoSpace(error) ? 'LOG_DISK_FULL' : 'LOG_WRITE_FAILED', errorData, { cause: error });
  const closeLog = async (line: string) => {
    await log.close(line);
    if (log.error !== null) throw logFailure(log.error);
  };
  log.line(`# ${new Date().toISOString()} $ ${formatArgv(opts.argv)}  (cwd ${opts.cwd})\n`);
  const result = (partial: Partial<CommandResult>): CommandResult => ({
    argv: opts.argv,
    exitCode: null,
    signal: null,
    timedOut: false,
    aborted: false,
    durationMs: Math.round(performance.now() - started),
    stdout: '',
    stderrTail: '',
    ...partial,
  });

  if (opts.signal?.aborted === true) {
    await closeLog('# not started: the run was interrupted');
    return result({ aborted: true });
  }
  if (program === undefined || program === '') {
    await closeLog('# not started: empty argv');
    throw new CommandError('SPAWN_FAILED', errorData, { cause: new Error('empty argv') });
  }

  const child = spawn(program, args, {
    cwd: opts.cwd,
    env: childEnv(opts.env, opts.withheldEnv ?? []),
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    });
  } catch (cause) {
    await closeLog(`# could not start: ${(cause as Error).message}`);
    throw new CommandError('SPAWN_FAILED', errorData, { cause });
  }
  const pgid = child.pid as number;

  const stdoutChunks: Buffer[] = [];
  let stdoutBytes = 0;
  let stderrTail = Buffer.alloc(0);
  log.follow(child.stdout, (chunk) => {
    if (opts.capture === true && stdoutBytes < CAPTURE_LIMIT_BYTES) {
      stdoutChunks.push(chunk);
      stdoutBytes += chunk.length;
    }
  });
  log.follow(child.stderr, (chunk) => {
    stderrTail = Buffer.concat([stderrTail, chunk]).subarray(-STDERR_TAIL_BYTES);
  });
  const pipesClosed = Promise.all(
    [child.stdout, child.stderr].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve()))),
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );

  type Stop = 'timeout' | 'abort' | 'log';
  const reasons: Record<Stop, string> = { timeout: `timed out after ${opts.timeoutMs} ms`, abort: 'stopped on request', log: 'the log cannot be written' };
  let stopping: { why: Stop; graceEndsAt: number } | null = null;
  let graceTimer: { clear: () => void } | undefined;
  const stop = (why: Stop) => {
    if (stopping !== null) return;
    stopping = { why, graceEndsAt: performance.now() + opts.killGraceMs };
    log.line(`\n# ${reasons[why]}: SIGTERM to process group ${pgid}\n`);
    signalGroup(pgid, 'SIGTERM');
    graceTimer = longTimeout(opts.killGraceMs, () => signalGroup(pgid, 'SIGKILL'));
  };
  const timeoutTimer = longTimeout(opts.timeoutMs, () => stop('timeout'));
  const onAbort = () => stop('abort');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  // A command whose output cannot be kept has no trustworthy result: stop it rather than run on blind.
  onLogFailure = () => stop('log');
  if (log.error !== null) stop('log');

  let tracked = false;
  let footer = '# stopped';
  try {
    try {
      await trackChild({ stateDir: opts.stateDir, runId: opts.runId, pid: pgid });
      tracked = true;
    } catch (cause) {
      signalGroup(pgid, 'SIGKILL');
      footer = `# stopped: could not record the process group: ${(cause as Error).message}`;
      throw new CommandError('TRACK_FAILED', errorData, { cause });
    }
    const { code, signal } = await exited;
    timeoutTimer.clear();
    const ending = stopping as { why: Stop; graceEndsAt: number } | null;
    if (ending !== null) {
      // The leader is gone but its group may still be shutting down: honour the grace period.
      while (performance.now() < ending.graceEndsAt && groupHasLiveMembers(pgid)) await sleep(50);
    }
    signalGroup(pgid, 'SIGKILL');
    await drainPipes(pipesClosed, log);
    const out = result({
      // A command canon had to stop has no verdict: even if it exits 0 on SIGTERM, that must
      // never read as green. Its real exit status is still written to the log.
      exitCode: ending === null ? code : null,
      signal: ending === null ? signal : (signal ?? 'SIGTERM'),
      timedOut: ending?.why === 'timeout',
      aborted: ending?.why === 'abort',
      stdout: Buffer.concat(stdoutChunks).toString('utf8'),
      stderrTail: stderrTail.toString('utf8'),
    });
    footer = `\n# ${code !== null ? `exit ${code}` : `killed by ${signal ?? 'unknown signal'}`} after ${out.durationMs} ms`;
    return out;
  } finally {
    timeoutTimer.clear();
    graceTimer?.clear();
    opts.signal?.removeEventListener('abort', onAbort);
    signalGroup(pgid, 'SIGKILL');
    child.stdout.destroy();
    child.stderr.destroy();
    if (tracked) {
      // The group is dead; a stale tracking file only makes the next sweep look at a gone pid.
      await untrackChild({ stateDir: opts.stateDir, runId: opts.runId, pid: pgid }).catch((error: unknown) => {
        log.line(`# warning: could not remove the tracking record: ${(error as Error).message}\n`);
      });
    }
    await closeLog(footer);
  }
}
