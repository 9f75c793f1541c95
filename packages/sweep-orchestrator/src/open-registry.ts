import { openRegistry, type Registry } from '@canon/warm-registry';
import type { ResolvedConfig } from './config/index.js';
import { maskingRegistry } from './internal/secret-mask.js';

/**
 * The registry a config names: its stateDir, format and (when set) explicit registryDir. Every
 * record written through it has the config's secrets masked, whichever command writes it.
 */
export function openConfiguredRegistry(config: ResolvedConfig): Registry {
  const registry = openRegistry({
    stateDir: config.stateDir,
    registryFormat: config.registryFormat,
    ...(config.registryDir === null ? {} : { registryDir: config.registryDir }),
  });
  return maskingRegistry(registry, config.secrets ?? []);
}
