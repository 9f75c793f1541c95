import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { commandValues } from '../command-values.js';
import type { ResolvedConfig } from '../config/index.js';
import { expandPlaceholders, expandString } from '../config/index.js';
import type { Executor, TestRequest, TestResult } from './executor.js';
import { runLocalCommand } from './local-command.js';

/** Today's executor: the suite runs on this host, in `test.cwd` (default the release's checkout), in its own process group. */
export function createLocalExecutor(config: ResolvedConfig): Executor {
  return {
    async runTest(request: TestRequest): Promise<TestResult> {
      const { recipe, release } = request;
      const values = commandValues({
        kind: 'test',
        recipe: recipe.name,
        runId: request.runId,
        runDir: request.runDir,
        release,
        upgradeBase: request.upgradeBase,
        previousVersion: request.previousVersion,
        domain: recipe.promote?.domain ?? null,
        env: recipe.test.env,
      });
      const result = await runLocalCommand(config, {
        argv: expandPlaceholders(recipe.test.command, values.placeholders),
        cwd: resolve(dirname(config.path), expandString(recipe.test.cwd, values.placeholders)),
        env: values.env,
        timeoutMs: recipe.test.timeoutSeconds * 1000,
        runId: request.runId,
        logFile: request.logFile,
        signal: request.signal,
      });
      return {
        exitCode: result.exitCode,
        signal: result.signal,
        durationMs: result.durationMs,
        // The suite's own deadline (e.g. cc-ci's alarm, 142) is a timeout too, not a red.
        timedOut: result.timedOut || (result.exitCode !== null && recipe.test.timeoutExitCodes.includes(result.exitCode)),
        aborted: result.aborted,
        host: hostname(),
        logTail: result.stderrTail,
        log: request.logFile,
      };
    },
  };
}
