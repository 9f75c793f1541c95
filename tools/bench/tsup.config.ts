import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/bench.ts', 'src/profile.ts'],
  format: ['esm'],
  target: 'node20',
  sourcemap: true,
  clean: true,
});
