import { readLatestRun, readRun, type RunRecord } from '@canon/warm-registry';
import type { PendingSet } from './pending.js';
import type { SweepChild, SweepLauncher } from './sweep-child.js';

export type SchedulerOptions = {
  pending: PendingSet;
  stateDir: string;
  /** Names `canon sweep --recipe` accepts now; anything else pending is dropped. */
  enrolled: readonly string[];
  debounceSeconds: number;
  maxSweepsPerHour: number;
  /** After exit 75 (another sweep holds the mutex) or a child that left no run record. */
  retrySeconds?: number;
  launch: SweepLauncher;
  log: (line: string) => void;
  /** How long a terminated child may take before its group is killed. */
  stopGraceSeconds: number;
};

export type Scheduler = {
  /** Something was added to the pending set: start a sweep when it is due. */
  poke(): void;
  /** No new sweep; a running one gets SIGTERM and its recipes stay pending. Resolves when no child is left. */
  stop(): Promise<void>;
  /** The running child's pid, if any. */
  readonly running: number | undefined;
};

const HOUR_MS = 3_600_000;
const LOCKED = 75;
const MAX_TIMER_MS = 2_147_483_647;

/** Which recipes the run swept: none of an interrupted run (its recipes are handed back). */
export function sweptRecipes(run: RunRecord): string[] {
  return run.interrupted ? [] : run.recipes.filter((r) => r.outcome !== null).map((r) => r.recipe);
}

/**
 * Debounce and rate limit: one sweep for everything pending, `debounceSeconds` after the
 * oldest pending event (a steady trickle of events cannot postpone it forever), at most
 * `maxSweepsPerHour` per rolling hour; a locked mutex retries after `retrySeconds` without
 * counting against the limit.
 */
export function createScheduler(opts: SchedulerOptions): Scheduler {
  const retryMs = (opts.retrySeconds ?? 60) * 1000;
  let timer: NodeJS.Timeout | null = null;
  let child: SweepChild | null = null;
  let retryAt = 0;
  let stopping = false;
  let ticking = Promise.resolve();
  let limitLoggedFor = 0;

  const schedule = (delayMs: number): void => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => tick(), Math.min(Math.max(0, delayMs), MAX_TIMER_MS));
  };

  const tick = (): void => {
    ticking = ticking.then(step).catch((error: unknown) => {
      opts.log(`could not start a sweep: ${String(error)}; retrying in ${retryMs / 1000} s`);
      retryAt = Date.now() + retryMs;
      if (!stopping) schedule(retryMs);
    });
  };

  async function step(): Promise<void> {
    if (stopping || child !== null) return;
    const state = opts.pending.snapshot();
    const gone = Object.keys(state.recipes).filter((n) => !opts.enrolled.includes(n));
    if (gone.length > 0) {
      opts.log(`dropped from the pending set (not enrolled any more): ${gone.join(', ')}`);
      await opts.pending.drop(gone);
    }
    const names = Object.keys(state.recipes).filter((n) => opts.enrolled.includes(n)).sort();
    if (names.length === 0) return;
    const now = Date.now();
    const oldest = Math.min(...names.map((n) => Date.parse(state.recipes[n]?.since ?? '')));
    let due = Math.max(oldest + opts.debounceSeconds * 1000, retryAt);
    const recent = state.sweeps.map((t) => Date.parse(t)).filter((t) => t > now - HOUR_MS).sort((a, b) => a - b);
    if (recent.length >= opts.maxSweepsPerHour) {
      const free = (recent[recent.length - opts.maxSweepsPerHour] ?? now) + HOUR_MS;
      // Once per window, not once per event: a flood of deliveries must not flood the journal.
      if (free > due && free !== limitLoggedFor) {
        limitLoggedFor = free;
        opts.log(`maxSweepsPerHour (${opts.maxSweepsPerHour}) reached; ${names.join(', ')} stay pending until ${new Date(free).toISOString()}`);
      }
      due = Math.max(due, free);
    }
    if (due > now) {
      schedule(due - now);
      return;
    }
    await launch(names, new Date(now));
  }

  async function launch(names: string[], startedAt: Date): Promise<void> {
    await opts.pending.recordSweep(startedAt);
    opts.log(`sweep for ${names.join(', ')}`);
    const running = opts.launch(names);
    child = running;
    void running.done.then(async (result) => {
      try {
        if (result.exitCode === LOCKED) {
          await opts.pending.forgetSweep(startedAt);
          retryAt = Date.now() + retryMs;
          opts.log(`another sweep holds the mutex (exit 75); ${names.join(', ')} stay pending, retry in ${retryMs / 1000} s`);
          return;
        }
        const run = await runOf(result.runId, startedAt);
        if (run === null) {
          retryAt = Date.now() + retryMs;
          const why = result.signal === null ? `exit ${String(result.exitCode)}` : result.signal;
          opts.log(`the sweep left no run record (${why}): ${result.stderrTail.trim().split('\n').slice(-3).join(' | ')}; retry in ${retryMs / 1000} s`);
          return;
        }
        const swept = sweptRecipes(run);
        await opts.pending.settle(swept, startedAt);
        opts.log(`run ${run.runId} ended (exit ${String(result.exitCode ?? result.signal)}); swept: ${swept.join(', ') || 'none'}`);
      } catch (error) {
        retryAt = Date.now() + retryMs;
        opts.log(`could not read the sweep's outcome: ${String(error)}; its recipes stay pending`);
      } finally {
        child = null;
        if (!stopping) tick();
      }
    });
  }

  async function runOf(runId: string | null, startedAt: Date): Promise<RunRecord | null> {
    if (runId !== null) return readRun(opts.stateDir, runId).catch(() => null);
    // No run-start line (e.g. the child died early): latest.json only if this child wrote it.
    const latest = await readLatestRun(opts.stateDir).catch(() => null);
    return latest !== null && Date.parse(latest.startedAt) >= startedAt.getTime() - 1000 ? latest : null;
  }

  return {
    poke: () => {
      if (!stopping) tick();
    },
    get running() {
      return child?.pid;
    },
    async stop() {
      stopping = true;
      if (timer !== null) clearTimeout(timer);
      await ticking;
      const running = child;
      if (running === null) return;
      running.terminate('SIGTERM');
      const killer = setTimeout(() => running.terminate('SIGKILL'), opts.stopGraceSeconds * 1000);
      await running.done;
      clearTimeout(killer);
      // Let the done handler settle the pending set before the process exits.
      while (child !== null) await new Promise((r) => setTimeout(r, 10));
    },
  };
}
