import { createHash } from 'node:crypto';
import type { PromoteSpec, TestSpec } from '../config/index.js';

// SPEC "Verdicts": what a suite's verdict depends on. Keys missing from this build's test
// settings are simply absent; `revision` itself is not hashed, its output is.
const SUITE_KEYS = ['command', 'env', 'cwd', 'checkoutDir', 'timeoutSeconds', 'timeoutExitCodes', 'retries', 'flaky'] as const;

/** JSON with object keys sorted at every depth, so reordering keys in the config changes nothing. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/**
 * sha256 of the resolved test settings before placeholder expansion (so `{runId}` never
 * makes a key unique), joined by what `test.revision` printed when it is set.
 */
export function suiteRevOf(test: TestSpec, revisionOutput: string | null): string {
  const settings = test as unknown as Record<string, unknown>;
  const picked = Object.fromEntries(SUITE_KEYS.filter((k) => k in settings).map((k) => [k, settings[k]]));
  return sha256(canonicalJson({ settings: picked, revision: revisionOutput }));
}

/** sha256 of the resolved promote settings (null when the recipe promotes nothing). */
export function promoteRevOf(promote: PromoteSpec | null): string {
  return sha256(canonicalJson({ promote }));
}
