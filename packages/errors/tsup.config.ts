import { canonTsupConfig } from '../../tsup.shared.js';

export default canonTsupConfig();
