import type { ResolvedConfig } from './types.js';

/** argv[0] of every command the configuration can run, first appearance first (for units and doctor). */
export function programsOf(config: ResolvedConfig): string[] {
  const seen = new Set<string>();
  for (const r of config.recipes) {
    const p = r.promote;
    const argvs = [r.busyCheck, r.test.command, p?.deploy, p?.teardown, p?.verify, p?.snapshot, p?.park, p?.volumeSize];
    for (const argv of argvs) {
      const program = argv?.[0];
      if (program !== undefined) seen.add(program);
    }
  }
  return [...seen];
}
