// Shared vitest settings: read workspace packages from src/ (the `canon-source` export
// condition) so tests never need a prior build, and let `npm run test:fast` skip the
// slow suites (real git, real processes), which are named `*.slow.test.ts`.
import { defaultServerConditions, defaultClientConditions } from 'vite';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

export function canonVitestConfig(overrides: ViteUserConfig['test'] = {}): ViteUserConfig {
  const fast = process.env.CANON_FAST === '1';
  return defineConfig({
    resolve: { conditions: ['canon-source', ...defaultClientConditions] },
    ssr: { resolve: { conditions: ['canon-source', ...defaultServerConditions] } },
    test: {
      include: ['src/**/*.test.ts'],
      exclude: fast ? ['**/node_modules/**', '**/*.slow.test.ts'] : ['**/node_modules/**'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      ...overrides,
    },
  });
}

/** Coverage for the pure packages, which must keep 95% of their lines covered (issue 2). */
export const PURE_PACKAGE_COVERAGE = {
  provider: 'v8',
  include: ['src/**/*.ts'],
  exclude: ['src/**/*.test.ts'],
  reporter: ['text-summary'],
  thresholds: { lines: 95 },
} as const satisfies NonNullable<ViteUserConfig['test']>['coverage'];
