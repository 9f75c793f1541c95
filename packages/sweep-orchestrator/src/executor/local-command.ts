import type { ResolvedConfig } from '../config/index.js';
import { runCommand, type CommandResult } from '../run-command.js';

export type LocalCommand = {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  runId: string;
  logFile: string;
  signal: AbortSignal;
  /** Keep stdout in the result (it is logged either way). */
  capture?: boolean;
};

/** What every command a sweep runs on this host shares: grace, log, child tracking, interrupt, withheld secrets. */
export function runLocalCommand(config: ResolvedConfig, command: LocalCommand): Promise<CommandResult> {
  return runCommand({
    ...command,
    killGraceMs: config.killGraceSeconds * 1000,
    stateDir: config.stateDir,
    // The forge token variable stays with canon: a recipe's commands have no business with it.
    withheldEnv: config.secretEnv ?? [],
    secrets: config.secrets ?? [],
  });
}
