import type { RegistryFormat } from '@canon/warm-registry';
import type { PromoterKind } from './builtin-defaults.js';

export type CommandSpec = { command: string[]; timeoutSeconds: number; env: Record<string, string> };

/** The test command plus, in queue mode, the pool whose workers run it (absent: the default pool). */
export type TestSpec = CommandSpec & {
  pool?: string;
  revision: string[] | null;
  retries: number;
  flaky: 'promote' | 'hold';
  baseline: 'on-red' | null;
  /** Paths still hold placeholders; relative ones resolve against the config file's directory. */
  cwd: string;
  /** null: `<workDir>/checkouts/{recipe}`. */
  checkoutDir: string | null;
  /** Exit codes that mean the test command hit its own deadline: labelled TIMED-OUT. */
  timeoutExitCodes: number[];
};

/** `recipes.R.waive[]`: a red of exactly this version (and commit) passes the gate until `expires`. */
export type WaiverSpec = { version: string; commit?: string; reason: string; expires: string };


export type RedisSpec = {
  url: string;
  /** Read from execution.redis.passwordFile; it must never be logged (prints as "***"). */
  password: string | null;
  tls: boolean;
};

export type ExecutionSpec = {
  mode: 'local' | 'queue';
  /** null only in local mode without a redis block. */
  redis: RedisSpec | null;
  queue: string;
  lockSeconds: number;
  stallCheckSeconds: number;
  maxStalls: number;
};

export type HealthSpec = {
  url: string;
  expectStatus: number[];
  rejectBodyPattern: string | null;
  timeoutSeconds: number;
  intervalSeconds: number;
  /** Polled after `url`, each until healthy or its own timeout (dependents' health). */
  also: string[];
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
  /** Always true in mode "live". */
  rollback: boolean;
  mode: 'warm' | 'live';
  /** Required in mode "live". */
  backup: string[] | null;
  restore: string[] | null;
  env: Record<string, string>;
  /** Who deploys the warm canonical: canon, or the test command itself (canon verifies its record). */
  by: PromoterKind;
  /** Lock file paths; {recipe} and {domain} still to expand. */
  locks: string[];
  lockWaitSeconds: number;
  snapshotAfterPark: boolean;
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
  test: TestSpec;
  /** test.failurePattern: the evidence line picked from a failed log; absent or null = its last non-empty line. */
  failurePattern?: string | null;
  promote: PromoteSpec | null;
  block: { version: string; reason: string }[];
  waive: WaiverSpec[];
  hold: { major: boolean; appMajor: boolean };
  /** Recipes of earlier tiers whose health alone decides `infra-degraded`; null: every earlier tier's. */
  dependsOn: string[] | null;
};

/** A tier's recipes, every configured one in exactly one tier (`"*"` expanded at load). */
export type Tier = { name: string; recipes: string[] };

export type ResolvedConfig = {
  path: string;
  stateDir: string;
  workDir: string;
  registryDir: string | null;
  registryFormat: RegistryFormat;
  /** `token` was read from forge.tokenFile or forge.tokenEnv; it must never be logged. */
  forge: { type: 'gitea'; url: string; token: string } | null;
  recipes: ResolvedRecipe[];
  /** In sweep order. */
  tiers: Tier[];
  protectedDomains: string[];
  schedule: { onCalendar: string; persistent: boolean };
  lockStaleSeconds: number;
  killGraceSeconds: number;
  concurrency: number;
  includePrereleases: boolean;
  diskBudgetGiB: number | null;
  recheckAfterDays: number;
  /** `secret` was read from webhook.secretFile; it must never be logged. */
  webhook: WebhookSettings | null;
  execution: ExecutionSpec;
  /** Names of canon's environment the commands may inherit besides the fixed allow-list (SPEC "Environment"). */
  passEnv: string[];
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
