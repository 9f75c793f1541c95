import { canonVitestConfig } from '../../vitest.shared.js';

export default canonVitestConfig();
