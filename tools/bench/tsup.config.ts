import { canonTsupConfig } from '../../tsup.shared.js';

export default canonTsupConfig({ entry: ['src/bench.ts', 'src/profile.ts'], dts: false });
