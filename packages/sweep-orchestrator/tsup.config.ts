import { canonTsupConfig } from '../../tsup.shared.js';

// Two entries: the library (with types) and the `canon` CLI. Splitting keeps each command
// in its own chunk so `canon --version` loads neither isomorphic-git nor zod.
export default canonTsupConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  dts: { entry: { index: 'src/index.ts' } },
  splitting: true,
});
