import { canonVitestConfig } from '../../vitest.shared.js';

// Every demo test drives real processes (*.slow.test.ts): `npm run test:fast` finds none.
export default canonVitestConfig({ passWithNoTests: true });
