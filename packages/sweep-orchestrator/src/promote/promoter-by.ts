import type { Registry } from '@canon/warm-registry';
import type { ResolvedConfig } from '../config/index.js';
import { createPromoter } from './live-promoter.js';
import type { Promoter } from './promoter.js';
import { createTestPromoter } from './test-promoter.js';

/**
 * The promoter each recipe's settings name: `promote.by: "test"` verifies the test command's own
 * record; otherwise canon deploys, in `promote.mode` live or warm.
 */
export function createConfiguredPromoter(deps: { config: ResolvedConfig; registry: Registry }): Promoter {
  const canon = createPromoter(deps);
  const test = createTestPromoter(deps);
  return { promote: (request) => (request.recipe.promote?.by === 'test' ? test : canon).promote(request) };
}
