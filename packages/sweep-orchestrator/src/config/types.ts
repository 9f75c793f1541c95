import type { RegistryFormat } from '@canon/warm-registry';

export type CommandSpec = { command: string[]; timeoutSeconds: number; env: Record<string, string> };

export type HealthSpec = {
  url: string;
  expectStatus: number[];
  rejectBodyPattern: string | null;
  timeoutSeconds: number;
  intervalSeconds: number;
};

export type PromoteSpec = {
  domain: string;
  deploy: string[];
  teardown: string[] | null;
  verify: string[] | null;
  health: HealthSpec;
  snapshot: string[] | null;
  park: string[] | null;
  volumeSize: string[] | null;
  timeoutSeconds: number;
  rollback: boolean;
  env: Record<string, string>;
};

/** Strings still hold placeholders like {version}; upstream, mirror and domain have {recipe} expanded. */
export type ResolvedRecipe = {
  name: string;
  enrolled: boolean;
  reason: string | null;
  upstream: string;
  mirror: string;
  branch: string;
  busyCheck: string[] | null;
  test: CommandSpec;
  /** test.failurePattern: the evidence line picked from a failed log; absent or null = its last non-empty line. */
  failurePattern?: string | null;
  promote: PromoteSpec | null;
  block: { version: string; reason: string }[];
};

export type ResolvedConfig = {
  path: string;
  stateDir: string;
  workDir: string;
  registryDir: string | null;
  registryFormat: RegistryFormat;
  /** `token` was read from forge.tokenFile or forge.tokenEnv; it must never be logged. */
  forge: { type: 'gitea'; url: string; token: string } | null;
  recipes: ResolvedRecipe[];
  protectedDomains: string[];
  schedule: { onCalendar: string; persistent: boolean };
  lockStaleSeconds: number;
  killGraceSeconds: number;
  concurrency: number;
  includePrereleases: boolean;
  diskBudgetGiB: number | null;
  /** `secret` was read from webhook.secretFile; it must never be logged. */
  webhook: WebhookSettings | null;
  /** Environment variables that hold secrets (forge.tokenEnv); commands must not inherit them. */
  secretEnv?: string[];
  /** Secret values (the forge token): masked in every log and report; not enumerable, never serialised. */
  secrets?: string[];
};

export type WebhookSettings = {
  listen: { host: string; port: number };
  path: string;
  secret: string;
  debounceSeconds: number;
  maxSweepsPerHour: number;
};
