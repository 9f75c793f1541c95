/** Values used when neither `defaults` nor the recipe sets a key; documented in docs/configuration.md. */
export const BUILTIN = {
  stateDir: '/var/lib/canon',
  workDir: '/var/cache/canon',
  registryFormat: 'canon',
  branch: 'HEAD',
  enrolled: true,
  testTimeoutSeconds: 3600,
  testRetries: 0,
  testFlaky: 'promote',
  recheckAfterDays: 28,
  maxWaiverDays: 90,
  promoteTimeoutSeconds: 900,
  rollback: false,
  promoteMode: 'warm',
  promoteBy: 'canon',
  testCwd: '{checkout}',
  lockWaitSeconds: 0,
  snapshotAfterPark: false,
  healthUrl: 'https://{domain}/',
  expectStatus: [200, 301, 302],
  healthTimeoutSeconds: 600,
  healthIntervalSeconds: 10,
  onCalendar: 'Sun *-*-* 03:00:00',
  persistent: true,
  lockStaleSeconds: 120,
  killGraceSeconds: 30,
  concurrency: 1,
  includePrereleases: false,
  webhookListen: '127.0.0.1:8787',
  webhookPath: '/hooks/forge',
  webhookDebounceSeconds: 30,
  webhookMaxSweepsPerHour: 12,
  executionMode: 'local',
  queue: 'canon-tests',
  lockSeconds: 60,
  stallCheckSeconds: 30,
  maxStalls: 1,
} as const;

export const PROMOTE_MODES = ['warm', 'live'] as const;

/** Which placeholders each kind of string may use; anything else is a config error. */
export const SCOPES = {
  remote: ['recipe'],
  domain: ['recipe'],
  busyCheck: ['recipe', 'runId', 'runDir'],
  healthUrl: ['recipe', 'domain'],
  checkoutDir: ['recipe'],
  lockPath: ['recipe', 'domain'],
  command: ['recipe', 'version', 'tag', 'commit', 'checkout', 'domain', 'previousVersion', 'upgradeBase', 'runId', 'runDir'],
} as const;

/** Who deploys the warm canonical (`promote.by`). */
export const PROMOTERS = ['canon', 'test'] as const;
export type PromoterKind = (typeof PROMOTERS)[number];
