import { mkdir } from 'node:fs/promises';
import { summarizeOutcomes } from '@canon/warm-registry';
import {
  acquireSweepLock, closeUnfinishedRuns, createRun, newRunId, pruneRuns, reapOrphans,
  type RecipeRun, type RunRecord, type SweepLock,
} from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { createLocalExecutor } from '../executor/local-executor.js';
import { createQueueExecutor } from '../executor/queue-executor.js';
import { createConfiguredPromoter } from '../promote/promoter-by.js';
import type { PromoteResult } from '../promote/promoter.js';
import { maskDeep } from '../internal/secret-mask.js';
import { SweepError } from './errors.js';
import type { SweepEvent, SweepEventSink } from './events.js';
import type { Interrupt } from './interrupt.js';
import { holdInputs } from './decision-inputs.js';
import { createLimiter } from './pool.js';
import { limitPromotes, limitTests, recipesInProgress } from './queue-pipeline.js';
import { createRecordWriter } from './record-writer.js';
import { listBoth, syncRecipe, type RecipeSync } from './sync-recipe.js';
import { runRecipe, type RecipeContext } from './run-recipe.js';
import { pendingRecipeRun } from './recipe-record.js';
import { exitCodeOfRun } from './recipe-run.js';
import { runTiers } from './run-tiers.js';
import { assertNotHollow, selectRecipes } from './select.js';
import { degradedFor, type Degraded } from './tiers.js';
import { openConfiguredRegistry } from '../open-registry.js';
import { readEvidence } from '../report/evidence.js';

export type SweepOptions = {
  config: ResolvedConfig;
  /** --recipe names; empty = every configured recipe. */
  recipes?: readonly string[];
  force?: boolean;
  canonVersion: string;
  onEvent?: SweepEventSink;
  interrupt?: Interrupt;
  now?: () => Date;
  /** `--wait`: seconds to wait for the sweep mutex before refusing with exit 75 (default 0). */
  waitSeconds?: number;
};

export type SweepResult = { run: RunRecord; exitCode: number };

// Ref listings are cheap network round trips: many at once. Syncs run git processes: fewer.
const LIST_POOL = 8;
const SYNC_POOL = 2;
// run.json follows the sweep at most this far behind, except before long steps (urgent).
const RECORD_WRITE_INTERVAL_MS = 1000;
const DESCRIBE_INTERVAL_MS = 250;

/**
 * One sweep under the sweep mutex: every selected recipe synced, decided, tested, gated
 * and promoted, with run.json following along and runs/latest.json written at the end.
 * Throws only before the run starts (hollow, locked, unknown recipe); afterwards every
 * failure is a recipe's outcome.
 */
export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const { config } = opts;
  const now = opts.now ?? (() => new Date());
  // Every record and event leaves through here: one place masks the secrets a message may quote.
  const secrets = config.secrets ?? [];
  const sink: SweepEventSink = opts.onEvent ?? (() => undefined);
  const emit: SweepEventSink = (event) => sink(maskDeep(event, secrets));
  const selected = selectRecipes(config, opts.recipes ?? []);
  assertNotHollow(config, selected);

  const startedAt = now();
  const runId = newRunId(startedAt);
  const controller = new AbortController();
  const signal = opts.interrupt === undefined ? controller.signal : AbortSignal.any([controller.signal, opts.interrupt.signal]);
  let lostLock: Error | null = null;
  const lock = await acquireSweepLock({
    stateDir: config.stateDir,
    runId,
    staleSeconds: config.lockStaleSeconds,
    waitSeconds: opts.waitSeconds ?? 0,
    signal: opts.interrupt?.signal,
    onCompromised: (e) => {
      lostLock = e;
      controller.abort(e);
    },
  });
  const stamp = (): string => new Date().toISOString();
  // The lock's description only needs the latest phase: coalesced like run.json, since an
  // atomic write per phase change was most of a no-op sweep's own time.
  let holderNow: { recipe: string | null; phase: string | null } = { recipe: null, phase: null };
  const holderWriter = createRecordWriter(() => lock.describe(holderNow), {
    intervalMs: DESCRIBE_INTERVAL_MS,
    onError: (e) => emit({ type: 'warning', at: stamp(), recipe: holderNow.recipe, message: `could not update the lock's description: ${String(e)}` }),
  });
  const describe = (recipe: string | null, phase: string | null): void => {
    holderNow = { recipe, phase };
    void holderWriter.changed();
  };

  // Queue mode reaches Redis on the first test only; its connections close with the run.
  const queued = config.execution.mode === 'queue' ? createQueueExecutor(config) : null;
  try {
    for (const orphan of await reapOrphans({ stateDir: config.stateDir, currentRunId: runId })) {
      const message =
        orphan.reason === 'ended' ? `ended process group ${orphan.pgid} left behind by run ${orphan.runId}${orphan.killed ? ' (SIGKILL after SIGTERM)' : ''}`
        : orphan.reason === 'pid-reused' ? `left pid ${orphan.pid} of run ${orphan.runId} alone: another process has that pid now`
        : orphan.reason === 'other-host' ? `process group ${orphan.pgid} of run ${orphan.runId} was recorded on another host; not touched`
        : null;
      if (message !== null) emit({ type: 'warning', at: stamp(), recipe: null, message });
    }
    // Under the mutex every other unfinished run is dead: its record says so from now on.
    const unfinished = await closeUnfinishedRuns({ stateDir: config.stateDir, currentRunId: runId, at: now() });
    for (const dead of unfinished.closed) {
      emit({ type: 'warning', at: stamp(), recipe: null, message: `run ${dead} never finished (its sweep was killed); recorded it as interrupted` });
    }
    for (const bad of unfinished.unreadable) {
      emit({ type: 'warning', at: stamp(), recipe: null, message: `could not close the unfinished run ${bad.runId}: ${bad.message}` });
    }
    // Commands run with cwd = workDir (busyCheck) before any sync or checkout has created it.
    await mkdir(config.workDir, { recursive: true });
    const registry = openConfiguredRegistry(config);
    const store = await createRun({ stateDir: config.stateDir, runId });
    const record: RunRecord = {
      schema: 1, runId, startedAt: startedAt.toISOString(), finishedAt: null, dryRun: false, interrupted: false,
      canonVersion: opts.canonVersion, exitCode: null, recipes: selected.map((r) => pendingRecipeRun(r.name)),
      summary: summarizeOutcomes([]), disk: { usedBytes: 0, budgetBytes: null },
    };
    await store.writeRecord(maskDeep(record, secrets));
    // A run.json that cannot be written mid-run (full disk) is a warning, never a reason to
    // stop the other recipes; finish() below still fails loudly if it cannot write at the end.
    const recordWriteFailed = (e: unknown): void => {
      emit({ type: 'warning', at: stamp(), recipe: null, message: `could not write run.json: ${String(e)}` });
    };
    const writer = createRecordWriter(
      () => {
        record.summary = summarizeOutcomes(record.recipes);
        return store.writeRecord(secrets.length === 0 ? structuredClone(record) : maskDeep(record, secrets));
      },
      { intervalMs: RECORD_WRITE_INTERVAL_MS, onError: recordWriteFailed },
    );
    const slot = new Map(record.recipes.map((r, i) => [r.recipe, i]));
    const update = (entry: RecipeRun, urgent = false): Promise<void> => {
      const i = slot.get(entry.recipe);
      if (i !== undefined) record.recipes[i] = entry;
      return writer.changed(urgent).catch(recordWriteFailed);
    };
    emit({ type: 'run-start', at: stamp(), runId, dryRun: false, recipes: selected.map((r) => r.name) });

    const listPool = createLimiter(LIST_POOL);
    const syncPool = createLimiter(SYNC_POOL);
    const prepared = new Map<string, Promise<RecipeSync>>();
    for (const recipe of selected.filter((r) => r.enrolled)) {
      const listed = listPool(() => listBoth(config, recipe));
      listed.catch(() => undefined);
      prepared.set(recipe.name, syncPool(() => syncRecipe(config, recipe, listed, signal)));
    }

    const promoted = new Map<string, PromoteResult>();
    const configured = createConfiguredPromoter({ config, registry });
    const promoter = queued === null ? configured : limitPromotes(configured, config.concurrency);
    const degraded: Degraded[] = [];
    const ctx: RecipeContext = {
      config, registry, store, runId, force: opts.force === true, signal,
      executor: queued === null
        ? createLocalExecutor(config)
        : limitTests(queued, config.concurrency, (request) => ctx.phase(request.recipe.name, 'test-started')),
      promoter: {
        promote: async (request) => {
          const result = await promoter.promote(request);
          promoted.set(request.recipe.name, result);
          return result;
        },
      },
      phase: (recipe, phase) => {
        emit({ type: 'phase', at: stamp(), recipe, phase });
        describe(recipe, phase);
      },
      warn: (recipe, message) => emit({ type: 'warning', at: stamp(), recipe, message }),
      update,
      decisionInputs: (recipe) => ({ ...holdInputs(config, recipe, now()), infraDegraded: degradedFor(recipe, degraded) }),
    };
    await runTiers({
      config, registry, selected, signal, degraded, recipesAtOnce: recipesInProgress(config),
      runOne: async (recipe) => {
        const t0 = performance.now();
        const entry = await runRecipe(ctx, recipe, () => prepared.get(recipe.name) ?? Promise.reject(new Error('not prepared')));
        const evidence = await readEvidence(config.stateDir, runId, entry, recipe.failurePattern);
        emit({
          type: 'recipe-done', at: stamp(), recipe: recipe.name, outcome: entry.outcome ?? 'ERROR',
          detail: entry.detail, durationMs: Math.round(performance.now() - t0), ...(evidence === null ? {} : { evidence }),
        });
      },
      promoteOf: (recipe) => promoted.get(recipe) ?? null,
      onProbe: (_tier, recipe) => ctx.phase(recipe, 'tier-probe'),
      onDegraded: (tier, d) => emit({ type: 'warning', at: stamp(), recipe: d.recipe, message: `tier "${tier}" ended unhealthy: ${d.recipe} ${d.reason}; later tiers are skipped infra-degraded` }),
    });
    await writer.flush();

    const interruptedBy = opts.interrupt?.received() ?? null;
    record.interrupted = interruptedBy !== null || lostLock !== null;
    record.exitCode = interruptedBy === 'SIGINT' ? 130 : interruptedBy === 'SIGTERM' ? 143 : exitCodeOfRun(record.recipes);
    record.disk = await registry.diskUsage(config.diskBudgetGiB).catch(() => record.disk);
    record.finishedAt = now().toISOString();
    // Only a sweep of every recipe that ran to its end counts as "the last completed sweep".
    await store.finish(maskDeep(record, secrets), { full: (opts.recipes ?? []).length === 0 && !record.interrupted });
    await pruneRuns(config.stateDir).catch((e: unknown) => {
      emit({ type: 'warning', at: stamp(), recipe: null, message: `could not prune old runs: ${String(e)}` });
    });
    const end: SweepEvent = {
      type: 'run-end', at: stamp(), runId, exitCode: record.exitCode, interrupted: record.interrupted,
      summary: record.summary, durationMs: Date.parse(record.finishedAt) - startedAt.getTime(),
    };
    emit(end);
    if (lostLock !== null) {
      // Another sweep may have taken over the lock: this run stopped early and says so.
      throw new SweepError('SWEEP_LOCK_LOST', { runId }, { cause: lostLock });
    }
    return { run: maskDeep(record, secrets), exitCode: record.exitCode };
  } finally {
    await queued?.close().catch(() => undefined);
    await holderWriter.flush().catch(() => undefined);
    await releaseQuietly(lock);
  }
}

async function releaseQuietly(lock: SweepLock): Promise<void> {
  try {
    await lock.release();
  } catch {
    // A lock already taken over after a compromise cannot be released; it is not ours anymore.
  }
}
