// The library behind `canon`: config, running commands, the sweep, promote and reports.

import type { RunWorkerOptions } from './queue/worker.js';

export type {
  CommandSpec, ConfigErrorCode, ConfigErrorData, ConfigProblem, HealthSpec, PlaceholderValues, PromoteSpec, ResolvedConfig, ResolvedRecipe,
  TestSpec, Tier, WaiverSpec,
} from './config/index.js';
export type { LoadOptions } from './config/index.js';
export { ConfigError, expandPlaceholders, findConfigPath, loadConfig, programsOf } from './config/index.js';

export type { CommandErrorCode, CommandErrorData, CommandResult, RunCommandOptions } from './run-command.js';
export { canonEnv, CommandError, runCommand } from './run-command.js';
export { pollHealth } from './health.js';
export type { CommandValues, CommandValuesInput, PromoteMode, TestedRelease } from './command-values.js';
export { commandValues } from './command-values.js';
export type { Executor, TestKind, TestRequest, TestResult } from './executor/executor.js';
export { createLocalExecutor } from './executor/local-executor.js';
export { createQueueExecutor } from './executor/queue-executor.js';
export type { QueueExecutor } from './executor/queue-executor.js';
export type { PromoteInput } from './promote/promote.js';
export type { Promoter, PromoteRequest, PromoteResult } from './promote/promoter.js';
export { createCanonPromoter, promoteRecipe } from './promote/promote.js';
export { createTestPromoter } from './promote/test-promoter.js';
export { createConfiguredPromoter } from './promote/promoter-by.js';
export type { PromoteRefusal, PromoteVersionOptions, PromoteVersionResult } from './promote/promote-version.js';
export { promoteVersion } from './promote/promote-version.js';
export { createPromoter, promoteLive } from './promote/live-promoter.js';
export type { AdoptOptions, AdoptResult } from './promote/adopt-version.js';
export { adoptVersion } from './promote/adopt-version.js';
export type { ApproveOptions, ApproveResult } from './holds/approve-version.js';
export { approveVersion } from './holds/approve-version.js';
export type { PendingApproval } from './holds/pending-approval.js';
export { pendingApprovals } from './holds/pending-approval.js';

export type { SweepEvent, SweepEventSink } from './sweep/events.js';
export type { SweepOptions, SweepResult } from './sweep/run-sweep.js';
export { runSweep } from './sweep/run-sweep.js';
export type { Plan, PlanEntry } from './sweep/plan.js';
export { planSweep } from './sweep/plan.js';
export type { MirrorSyncEntry } from './sweep/sync-mirrors.js';
export { syncMirrors } from './sweep/sync-mirrors.js';
export type { Interrupt, InterruptSignal } from './sweep/interrupt.js';
export { watchSignals } from './sweep/interrupt.js';
export { chooseUpgradeBase } from './sweep/upgrade-base.js';
export { mirrorAuth } from './sweep/remotes.js';
export type { Limiter } from './sweep/pool.js';
export { createLimiter } from './sweep/pool.js';
export { mirrorTags, tagForVersion } from './sweep/mirror-tags.js';
export { openConfiguredRegistry } from './open-registry.js';
export { newestStandingFailure } from './verdicts/standing.js';
export { promoteRevOf, suiteRevOf } from './verdicts/revisions.js';
export type { DoctorCheck } from './doctor/host-checks.js';
export { forgeChecks, lockDirChecks, registryChecks, testCwdChecks, testPathChecks } from './doctor/host-checks.js';
export type { Listener, StartListenerOptions } from './listen/start-listener.js';
export type { LauncherOptions, SweepLauncher } from './listen/sweep-child.js';
export { startListener } from './listen/start-listener.js';
export { sweepLauncher } from './listen/sweep-child.js';
export type { ListenErrorCode, ListenErrorData } from './listen/errors.js';
export { ListenError } from './listen/errors.js';
export type { QueueErrorCode, QueueErrorData } from './queue/errors.js';
export type { RunWorkerOptions } from './queue/worker.js';
export { QueueError } from './queue/errors.js';
export { POOL_NAME } from './config/schema.js';
export type { HollowSweepErrorData, SweepErrorCode, SweepErrorData } from './sweep/errors.js';
export { HollowSweepError, SweepError } from './sweep/errors.js';

export type { Evidence, FleetContext, ReportContext, ReportFormat } from './report/index.js';
export { isSweepMissed, readEvidence, REPORT_FORMATS, renderReport, renderStatus } from './report/index.js';

export type { InitResult, StarterOptions } from './init/starter-config.js';
export { DEFAULT_STATE_DIR, MIRROR_PLACEHOLDER, renderStarterConfig, starterWalkthrough, writeStarterConfig } from './init/starter-config.js';

export type { CliIo } from './cli/main.js';
export { runCli } from './cli/main.js';
export { EXIT } from './cli/exit-codes.js';
export type { UsageErrorData } from './cli/usage-error.js';
export { UsageError } from './cli/usage-error.js';

/**
 * `canon worker`'s loop, loaded on first call: statically, it and what it runs (execa, the
 * job runner) would load with every command, since every command imports this file.
 */
export async function runWorker(opts: RunWorkerOptions): Promise<void> {
  return (await import('./queue/worker.js')).runWorker(opts);
}
