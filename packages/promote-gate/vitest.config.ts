import { canonVitestConfig } from '../../vitest.shared.js';

export default canonVitestConfig({
  coverage: {
    provider: 'v8',
    include: ['src/**/*.ts'],
    exclude: ['src/**/*.test.ts'],
    reporter: ['text-summary'],
    thresholds: { lines: 95 },
  },
});
