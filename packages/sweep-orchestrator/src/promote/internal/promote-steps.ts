import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CommandValues, PromoteMode } from '../../command-values.js';
import type { PromoteSpec, ResolvedConfig } from '../../config/index.js';
import { expandPlaceholders, expandString } from '../../config/index.js';
import { runLocalCommand } from '../../executor/local-command.js';
import { pollHealth } from '../../health.js';
import type { CommandResult } from '../../run-command.js';
import { CommandError } from '../../run-command.js';
import { longTimeout } from '../../internal/long-timeout.js';
import { maskText } from '../../internal/secret-mask.js';

export type StepFailure = { reason: string; detail: string; timedOut: boolean; interrupted: boolean };

/** Runs promote commands for one mode under one budget; every command and poll logs to the same file. */
export type StepContext = {
  config: ResolvedConfig;
  spec: PromoteSpec;
  mode: PromoteMode;
  runId: string;
  /** The same for every command of this mode (from commandValues). */
  values: CommandValues;
  cwd: string;
  logFile: string;
  deadline: number;
  /** Aborts on the budget's end or on the sweep's SIGTERM. */
  signal: AbortSignal;
  /** True when the sweep itself is stopping (SIGTERM/SIGINT); any other stop is the budget running out. */
  interrupted: () => boolean;
};

export function logLine(logFile: string, line: string): void {
  mkdirSync(dirname(logFile), { recursive: true });
  appendFileSync(logFile, `# ${new Date().toISOString()} ${line}\n`);
}

function stopped(ctx: StepContext, step: string): StepFailure {
  // The step's own timeout and the budget end together; only the sweep's signal means "interrupted".
  const timedOut = !ctx.interrupted();
  return timedOut
    ? { reason: 'timed-out', detail: `${step} was still running when promote.timeoutSeconds (${ctx.spec.timeoutSeconds} s) ran out`, timedOut, interrupted: false }
    : { reason: 'interrupted', detail: `${step} was interrupted`, timedOut, interrupted: true };
}

/** Runs one configured command; returns its result, or why the promote must stop. */
export async function runStep(
  ctx: StepContext,
  step: string,
  argv: string[],
  capture = false,
): Promise<{ ok: true; result: CommandResult } | { ok: false; failure: StepFailure }> {
  if (ctx.signal.aborted) return { ok: false, failure: stopped(ctx, step) };
  let result: CommandResult;
  try {
    result = await runLocalCommand(ctx.config, {
      argv: expandPlaceholders(argv, ctx.values.placeholders),
      cwd: ctx.cwd,
      env: ctx.values.env,
      timeoutMs: Math.max(1, ctx.deadline - performance.now()),
      logFile: ctx.logFile,
      runId: ctx.runId,
      capture,
      signal: ctx.signal,
    });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    return { ok: false, failure: { reason: `${step}-failed`, detail: error.message, timedOut: false, interrupted: false } };
  }
  if (result.timedOut || result.aborted) return { ok: false, failure: stopped(ctx, step) };
  if (result.exitCode !== 0) {
    const how = result.exitCode === null ? `was killed by ${result.signal ?? 'a signal'}` : `exited ${result.exitCode}`;
    // The tail goes into promote.log, history and run.json: masked where it is made.
    const tail = maskText(result.stderrTail.trim().split('\n').slice(-3).join(' | '), ctx.config.secrets ?? []);
    return {
      ok: false,
      failure: { reason: `${step}-failed`, detail: `${step} ${how}${tail === '' ? '' : `: ${tail}`}`, timedOut: false, interrupted: false },
    };
  }
  return { ok: true, result };
}

/** Polls the health URL, then every `health.also` URL; the first unhealthy one fails the step. */
export async function checkHealth(ctx: StepContext): Promise<StepFailure | null> {
  for (const template of [ctx.spec.health.url, ...ctx.spec.health.also]) {
    const url = expandString(template, ctx.values.placeholders);
    const remaining = Math.max(0.001, (ctx.deadline - performance.now()) / 1000);
    const cutShort = remaining < ctx.spec.health.timeoutSeconds;
    const health = await pollHealth(
      { ...ctx.spec.health, url, timeoutSeconds: Math.min(ctx.spec.health.timeoutSeconds, remaining) },
      { signal: ctx.signal, onAttempt: (line) => logLine(ctx.logFile, line) },
    );
    if (health.healthy) continue;
    // A poll the promote budget cut short did not get its full chance: that is a timeout, not a verdict.
    if (ctx.signal.aborted || cutShort) return stopped(ctx, 'health check');
    return { reason: 'unhealthy', detail: `${url}: ${health.reason ?? 'unhealthy'}`, timedOut: false, interrupted: false };
  }
  return null;
}

export type Budget = { deadline: number; signal: AbortSignal; interrupted: () => boolean; dispose: () => void };

/** A budget of `seconds` that also ends when the sweep's own signal fires. */
export function budget(seconds: number, outer: AbortSignal | undefined): Budget {
  const controller = new AbortController();
  const timer = longTimeout(seconds * 1000, () => controller.abort());
  return {
    deadline: performance.now() + seconds * 1000,
    signal: outer === undefined ? controller.signal : AbortSignal.any([outer, controller.signal]),
    interrupted: () => outer?.aborted === true,
    dispose: () => timer.clear(),
  };
}

/** Runs `verify`: its output must be the version that was tested (or is being adopted). */
export async function verifyVersion(ctx: StepContext, argv: string[], version: string): Promise<StepFailure | null> {
  const verify = await runStep(ctx, 'verify', argv, true);
  if (!verify.ok) return verify.failure;
  const printed = verify.result.stdout.trim();
  if (printed === version) return null;
  // What verify printed goes into promote.log, history and run.json: masked where it is quoted.
  const quoted = maskText(printed.slice(0, 200), ctx.config.secrets ?? []);
  return { reason: 'verify-mismatch', detail: `verify printed "${quoted}" but the tested version is "${version}"`, timedOut: false, interrupted: false };
}

/** Why the record must not be written now: the sweep stopping or the promote budget spent, else null. */
export function stoppedBeforeRecord(ctx: StepContext): StepFailure | null {
  if (!ctx.signal.aborted && performance.now() < ctx.deadline) return null;
  const interrupted = ctx.interrupted();
  return {
    reason: interrupted ? 'interrupted' : 'timed-out',
    detail: interrupted ? 'the sweep was interrupted before the record was written' : 'promote.timeoutSeconds ran out before the record was written',
    timedOut: !interrupted,
    interrupted,
  };
}
