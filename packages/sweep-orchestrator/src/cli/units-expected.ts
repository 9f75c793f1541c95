import type { VerifyExpected } from '@canon/timer-units';
import { programsOf, type ResolvedConfig } from '../config/index.js';

/** What the installed units must satisfy for this config: shared by `units verify` and `doctor`. */
export function unitsExpected(config: ResolvedConfig): VerifyExpected {
  return {
    programs: programsOf(config),
    enrolledCount: config.recipes.filter((r) => r.enrolled).length,
    configPath: config.path,
    env: config.secretEnv ?? [],
    // Checkouts and logs live under workDir and stateDir.
    writePaths: [config.stateDir, config.workDir, ...(config.registryDir === null ? [] : [config.registryDir])],
  };
}
