import { canonVitestConfig, PURE_PACKAGE_COVERAGE } from '../../vitest.shared.js';

export default canonVitestConfig({ coverage: PURE_PACKAGE_COVERAGE });
