import { defineConfig } from 'tsup';

// Two entries: the library (with types) and the `canon` CLI. Splitting keeps each command
// in its own chunk so `canon --version` loads neither isomorphic-git nor zod.
export default defineConfig({
  entry: { index: 'src/index.ts', cli: 'src/cli.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  splitting: true,
  sourcemap: true,
  clean: true,
});
