// The library behind `canon`: config, running commands, the sweep, promote and reports.

export type {
  CommandSpec, ConfigErrorCode, ConfigProblem, HealthSpec, PlaceholderValues, PromoteSpec, ResolvedConfig, ResolvedRecipe,
} from './config/index.js';
export { ConfigError, expandPlaceholders, findConfigPath, loadConfig, programsOf } from './config/index.js';

export type { CommandResult, RunCommandOptions } from './run-command.js';
export { canonEnv, runCommand } from './run-command.js';
export { pollHealth } from './health.js';
export type { PromoteInput, PromoteResult } from './promote.js';
export { promoteRecipe } from './promote.js';

export type { SweepEvent, SweepEventSink } from './sweep/events.js';
export type { SweepOptions, SweepResult } from './sweep/run-sweep.js';
export { runSweep } from './sweep/run-sweep.js';
export type { Plan, PlanEntry } from './sweep/plan.js';
export { planSweep } from './sweep/plan.js';
export type { SyncOnlyEntry } from './sweep/sync-only.js';
export { syncOnly } from './sweep/sync-only.js';
export type { Interrupt, InterruptSignal } from './sweep/interrupt.js';
export { watchSignals } from './sweep/interrupt.js';
export { chooseUpgradeBase } from './sweep/upgrade-base.js';
export { HollowSweepError, SweepError } from './sweep/errors.js';

export type { ReportContext, ReportFormat } from './report/index.js';
export { isSweepMissed, renderReport, renderStatus } from './report/index.js';

export type { InitResult, StarterOptions } from './init/starter-config.js';
export { MIRROR_PLACEHOLDER, renderStarterConfig, starterWalkthrough, writeStarterConfig } from './init/starter-config.js';

export type { CliIo } from './cli/main.js';
export { runCli } from './cli/main.js';
export { EXIT } from './cli/exit-codes.js';
export { UsageError } from './cli/usage-error.js';
