import type { ResolvedConfig } from './types.js';

/**
 * argv[0] of every command the configuration can run, first appearance first (for units and
 * doctor), and `flock` (util-linux) when a recipe has `promote.locks`: canon holds those with it.
 */
export function programsOf(config: ResolvedConfig): string[] {
  const seen = new Set<string>();
  for (const r of config.recipes) {
    const p = r.promote;
    const argvs = [r.busyCheck, r.test.command, r.test.revision, p?.deploy, p?.teardown, p?.verify, p?.snapshot, p?.park, p?.volumeSize, p?.backup, p?.restore];
    for (const argv of argvs) {
      const program = argv?.[0];
      if (program !== undefined) seen.add(program);
    }
    if ((p?.locks ?? []).length > 0) seen.add('flock');
  }
  return [...seen];
}
