import type { ResolvedConfig } from '../config/index.js';
import type { Executor, TestRequest } from '../executor/executor.js';
import type { Promoter } from '../promote/promoter.js';
import { createLimiter } from './pool.js';

/**
 * SPEC: in queue mode `concurrency` caps the tests in flight across all workers (and, as
 * everywhere, the promotes). Capping whole recipes instead left the workers idle while a
 * recipe's sweep-host phases ran (checkout, gate, promote, label): so twice as many recipes
 * are in progress, and the tests and promotes wait for their own slots. Local mode keeps
 * one cap for all, since its tests run on this host.
 */
export function recipesInProgress(config: ResolvedConfig): number {
  return config.execution.mode === 'queue' ? config.concurrency * 2 : config.concurrency;
}

/**
 * At most `size` tests (retries and baseline runs included) in flight through `executor`.
 * A recipe's test that had to wait for a slot says when it really starts (`started`: phase
 * `test-started`), so the wait is told apart from the test.
 */
export function limitTests<E extends Executor>(executor: E, size: number, started: (request: TestRequest) => void): E {
  const slot = createLimiter(size);
  let inFlight = 0;
  return {
    ...executor,
    runTest: (request) => {
      const waited = inFlight >= size;
      inFlight += 1;
      return slot(() => {
        if (waited && request.kind === 'test') started(request);
        return executor.runTest(request);
      }).finally(() => {
        inFlight -= 1;
      });
    },
  };
}

/** At most `size` promotes at once through `promoter`. */
export function limitPromotes(promoter: Promoter, size: number): Promoter {
  const slot = createLimiter(size);
  return { ...promoter, promote: (request) => slot(() => promoter.promote(request)) };
}
