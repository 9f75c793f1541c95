import { defineConfig } from 'tsup';

// `main` is what `npm start` runs; `index` is the library the demo's test drives.
export default defineConfig({
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  dts: { entry: { index: 'src/index.ts' } },
  sourcemap: true,
  clean: true,
});
