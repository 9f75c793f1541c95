// Shared tsup settings: every package builds ESM for Node 20 with source maps, and the
// published ones declaration files for their library entry.
import { defineConfig, type Options } from 'tsup';

export function canonTsupConfig(overrides: Options = {}): ReturnType<typeof defineConfig> {
  return defineConfig({
    entry: ['src/index.ts'],
    format: ['esm'],
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
    ...overrides,
  });
}
