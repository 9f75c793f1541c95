import type { Outcome } from '@canon/promote-gate';

/** SPEC "Sweep": 0 when every recipe was PROMOTED or SKIPPED, else 1. */
export function exitCodeOfOutcomes(outcomes: readonly (Outcome | null)[]): 0 | 1 {
  return outcomes.every((o) => o === 'PROMOTED' || o === 'SKIPPED') ? 0 : 1;
}
