import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { createCanonPromoter } from './promote.js';
import type { Promoter } from './promoter.js';
import { createTestPromoter } from './test-promoter.js';

/** The promoter each recipe's `promote.by` names: canon's own deploy, or verifying the test command's record. */
export function createConfiguredPromoter(deps: { config: ResolvedConfig; registry: Registry }): Promoter {
  const canon = createCanonPromoter(deps);
  const test = createTestPromoter(deps);
  return { promote: (request) => (request.recipe.promote?.by === 'test' ? test : canon).promote(request) };
}
