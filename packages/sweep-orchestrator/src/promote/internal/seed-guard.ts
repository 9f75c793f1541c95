import type { PromoteSpec, ResolvedConfig } from '../../config/index.js';
import { expandString } from '../../config/index.js';
import { pollHealth } from '../../health.js';
import type { StepFailure } from './promote-steps.js';
import { logLine } from './promote-steps.js';

/** One request, bounded: the question is whether something already serves there, not whether it comes up. */
const PROBE_SECONDS = 5;

/**
 * SPEC "Promote" step 2: a seed tears the domain down first to clear residue, so it must never
 * run where something may be live: a protected domain, or one whose health URL already answers
 * healthy (a warm stack cc-ci or a person deployed, or a registry that lost its record).
 * Returns why the seed is refused, or null when the teardown may run.
 */
export async function seedRefusal(opts: {
  config: ResolvedConfig;
  spec: PromoteSpec;
  recipe: string;
  logFile: string;
  signal?: AbortSignal | undefined;
}): Promise<StepFailure | null> {
  const { spec } = opts;
  if (opts.config.protectedDomains.includes(spec.domain)) {
    return {
      reason: 'protected-domain',
      detail: `${spec.domain} is in protectedDomains and has no canonical yet; seed it by hand, then canon will advance it`,
      timedOut: false,
      interrupted: false,
    };
  }
  const url = expandString(spec.health.url, { recipe: opts.recipe, domain: spec.domain });
  const probe = await pollHealth(
    { ...spec.health, url, timeoutSeconds: PROBE_SECONDS, intervalSeconds: PROBE_SECONDS },
    { ...(opts.signal === undefined ? {} : { signal: opts.signal }), onAttempt: (line) => logLine(opts.logFile, `before the seed: ${line}`) },
  );
  if (!probe.healthy) return null;
  return {
    reason: 'domain-in-use',
    detail:
      `${url} already answers healthy but there is no canonical record for ${opts.recipe}: something live runs on ${spec.domain}, ` +
      'so canon ran no command against it. If it runs the release you want as canonical, record it with ' +
      `\`canon adopt --recipe ${opts.recipe} --version V --reason "..."\`; otherwise take it down yourself and sweep again`,
    timedOut: false,
    interrupted: false,
  };
}
