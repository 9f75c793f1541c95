import type { HealthSpec } from './config/index.js';
import { expandString, type PlaceholderValues } from './config/index.js';
import { pollHealth } from './health.js';

export type AllHealthResult = { healthy: true } | { healthy: false; url: string; reason: string };

/**
 * Polls `spec.url`, then every `spec.also` URL (dependents' health), each with the spec's own
 * status, body and timing rules; the first unhealthy one ends the check.
 */
export async function pollAllHealth(
  spec: HealthSpec,
  values: PlaceholderValues,
  opts: { signal?: AbortSignal; onAttempt?: (line: string) => void; timeoutSeconds?: number } = {},
): Promise<AllHealthResult> {
  for (const template of [spec.url, ...spec.also]) {
    const url = expandString(template, values);
    const result = await pollHealth(
      { ...spec, url, timeoutSeconds: opts.timeoutSeconds ?? spec.timeoutSeconds },
      { ...(opts.signal === undefined ? {} : { signal: opts.signal }), ...(opts.onAttempt === undefined ? {} : { onAttempt: opts.onAttempt }) },
    );
    if (!result.healthy) return { healthy: false, url, reason: result.reason ?? 'unhealthy' };
  }
  return { healthy: true };
}
