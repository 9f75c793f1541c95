// Outcome presentation: order (worst first), colours and the words that go with them.

import type { Outcome } from '@canon/promote-gate';

export const OUTCOME_ORDER: readonly Outcome[] = [
  'ERROR', 'SYNC-FAILED', 'TIMED-OUT', 'FAILED', 'GREEN-BUT-PROMOTE-FAILED', 'PROMOTED', 'SKIPPED',
];

/** Colour is never the only signal: every badge also carries the outcome's own name. */
export const OUTCOME_STYLE: Record<Outcome, { css: string; ansi: string; hint: string }> = {
  PROMOTED: { css: '#1a7f37', ansi: '32', hint: 'new known-good recorded' },
  'GREEN-BUT-PROMOTE-FAILED': { css: '#9a6700', ansi: '33', hint: 'suite green, warm deploy not healthy' },
  FAILED: { css: '#cf222e', ansi: '31', hint: 'suite red' },
  'TIMED-OUT': { css: '#bc4c00', ansi: '31', hint: 'killed at its time limit' },
  'SYNC-FAILED': { css: '#8250df', ansi: '35', hint: 'mirror not synced, not tested' },
  SKIPPED: { css: '#57606a', ansi: '90', hint: 'nothing to do' },
  ERROR: { css: '#a40e26', ansi: '91', hint: 'canon failed for this recipe' },
};
