import { canonTsupConfig } from '../../tsup.shared.js';

// `main` is what `npm start` runs; `index` is the library the demo's test drives.
export default canonTsupConfig({
  entry: { index: 'src/index.ts', main: 'src/main.ts' },
  dts: { entry: { index: 'src/index.ts' } },
});
