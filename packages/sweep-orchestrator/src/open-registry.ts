import { openRegistry, type Registry } from '@canon/warm-registry';
import type { ResolvedConfig } from './config/index.js';

/** The registry a config names: its stateDir, format and (when set) explicit registryDir. */
export function openConfiguredRegistry(config: ResolvedConfig): Registry {
  return openRegistry({
    stateDir: config.stateDir,
    registryFormat: config.registryFormat,
    ...(config.registryDir === null ? {} : { registryDir: config.registryDir }),
  });
}
