import { isFinalVerdict } from '@canon/trigger';
import type { VerdictRecord } from '@canon/warm-registry';

/**
 * The recipe's newest final verdict that still stands: the last line for its version,
 * commit and suite revision is final (a later line for that key, e.g. after a recheck, has
 * replaced it otherwise). null when the recipe has none.
 */
export function newestStandingFailure(lines: readonly VerdictRecord[]): VerdictRecord | null {
  const last = new Map<string, VerdictRecord>();
  for (const line of lines) last.set(`${line.key.version}\n${line.key.commit}\n${line.key.suiteRev}`, line);
  let newest: VerdictRecord | null = null;
  for (const line of last.values()) {
    if (!line.final || !isFinalVerdict(line.outcome, line.reason)) continue;
    if (newest === null || Date.parse(line.ts) >= Date.parse(newest.ts)) newest = line;
  }
  return newest;
}
