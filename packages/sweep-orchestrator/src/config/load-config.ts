import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { z } from 'zod';
import { BUILTIN } from './builtin-defaults.js';
import { delegatedExecutionProblems } from './delegated-promote-rules.js';
import type { ConfigProblem } from './errors.js';
import { ConfigError, formatJsonPath } from './errors.js';
import type { FindConfigOptions } from './find-config.js';
import { findConfigPath } from './find-config.js';
import { locateJsonError } from './json-syntax.js';
import { redacting } from './redact.js';
import { resolveExecution } from './resolve-execution.js';
import { resolveRecipe } from './resolve-recipe.js';
import { resolveTiers } from './resolve-tiers.js';
import type { RawConfig } from './schema.js';
import { configSchema, defaultsSchema, recipeSchema } from './schema.js';
import { parseListenAddress, recipeNameProblem } from './validators.js';
import { waiverProblems } from './waivers.js';
import type { ResolvedConfig, ResolvedRecipe, WebhookSettings } from './types.js';

/**
 * What the loader reads besides the file. `secrets: false` (status, report, history: local files
 * only) reads no forge token and no webhook secret, leaving `forge` and `webhook` null.
 */
export type LoadOptions = { secrets?: boolean };

/** SPEC: masking a shorter secret would mangle every message that happens to contain it. */
const MIN_SECRET_LENGTH = 8;

/** Finds, reads, validates and resolves the configuration; throws a ConfigError listing every problem. */
export async function loadConfig(opts: FindConfigOptions, load: LoadOptions = {}): Promise<ResolvedConfig> {
  const path = findConfigPath(opts);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code === 'ENOENT' ? 'CONFIG_NOT_FOUND' : 'CONFIG_UNREADABLE';
    throw new ConfigError(code, { path, errors: [{ path: '', message: (cause as Error).message }] }, { cause });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    const at = locateJsonError(text, cause as Error);
    throw new ConfigError(
      'CONFIG_INVALID',
      { path, errors: [{ path: '', message: `not valid JSON at line ${at.line}, column ${at.column}: ${at.reason}` }] },
      { cause },
    );
  }
  return resolveConfig(json, { path, env: opts.env, ...load });
}

/** Validates already-parsed JSON as if it had been read from `path` (relative paths resolve against its directory). */
export async function resolveConfig(
  json: unknown,
  opts: { path: string; env: NodeJS.ProcessEnv; now?: Date } & LoadOptions,
): Promise<ResolvedConfig> {
  const parsed = configSchema.safeParse(json);
  const problems: ConfigProblem[] = [];
  let raw: RawConfig | null = null;
  if (parsed.success) raw = parsed.data;
  else problems.push(...toProblems(parsed.error.issues));

  const recipes = raw === null ? resolvePartially(json, problems) : resolveAll(raw, problems);
  problems.push(...waiverProblems(recipes, opts.now ?? new Date()));
  const tiers = raw === null ? [] : resolveTiers(raw, recipes, problems);
  const baseDir = dirname(opts.path);
  const readSecrets = opts.secrets !== false;
  const forge = raw?.forge == null || !readSecrets ? null : await readForge(raw.forge, baseDir, opts.env, problems);
  const webhook = raw?.webhook == null || !readSecrets ? null : await readWebhook(raw.webhook, baseDir, problems);
  const execution = await resolveExecution(raw?.execution, baseDir, problems, readSecrets);
  problems.push(...delegatedExecutionProblems(execution.mode, recipes));
  const tokenEnv = raw?.forge?.tokenEnv;
  if (tokenEnv !== undefined && (raw?.passEnv ?? []).includes(tokenEnv)) {
    problems.push({ path: 'passEnv', message: `${tokenEnv} holds the forge token (forge.tokenEnv); commands never inherit it, so remove it from passEnv` });
  }

  if (raw === null || problems.length > 0) {
    const errors = [...problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    throw new ConfigError('CONFIG_INVALID', { path: opts.path, errors });
  }
  const stateDir = resolve(baseDir, raw.stateDir ?? BUILTIN.stateDir);
  const config: ResolvedConfig = {
    path: opts.path,
    stateDir,
    workDir: resolve(baseDir, raw.workDir ?? BUILTIN.workDir),
    registryDir: raw.registryDir == null ? null : resolve(baseDir, raw.registryDir),
    registryFormat: raw.registryFormat ?? BUILTIN.registryFormat,
    forge,
    recipes,
    tiers,
    // Domains are case-insensitive (SPEC): one form everywhere they are compared or used.
    protectedDomains: (raw.protectedDomains ?? []).map((d) => d.toLowerCase()),
    schedule: {
      onCalendar: raw.schedule?.onCalendar ?? BUILTIN.onCalendar,
      persistent: raw.schedule?.persistent ?? BUILTIN.persistent,
    },
    lockStaleSeconds: raw.lockStaleSeconds ?? BUILTIN.lockStaleSeconds,
    killGraceSeconds: raw.killGraceSeconds ?? BUILTIN.killGraceSeconds,
    concurrency: raw.concurrency ?? BUILTIN.concurrency,
    includePrereleases: raw.includePrereleases ?? BUILTIN.includePrereleases,
    diskBudgetGiB: raw.diskBudgetGiB ?? null,
    recheckAfterDays: raw.recheckAfterDays ?? BUILTIN.recheckAfterDays,
    webhook,
    execution,
    passEnv: raw.passEnv ?? [],
    secretEnv: raw.forge?.tokenEnv === undefined ? [] : [raw.forge.tokenEnv],
  };
  // Not enumerable: the values never reach JSON.stringify or util.inspect of the config.
  const secrets = [
    ...(forge === null ? [] : [forge.token]),
    ...(webhook === null ? [] : [webhook.secret]),
    ...(execution.redis?.password == null ? [] : [execution.redis.password]),
  ];
  Object.defineProperty(config, 'secrets', { value: secrets, enumerable: false });
  return config;
}

function toProblems(issues: readonly z.core.$ZodIssue[]): ConfigProblem[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: formatJsonPath([...issue.path, key]), message: 'unknown key' }));
    }
    // A bad record key: zod's own message is generic, the nested one says what a name must look like.
    const message = issue.code === 'invalid_key' ? issue.issues.map((i) => i.message).join('; ') : issue.message;
    return [{ path: formatJsonPath(issue.path), message }];
  });
}

function resolveAll(raw: RawConfig, problems: ConfigProblem[]): ResolvedRecipe[] {
  const out: ResolvedRecipe[] = [];
  for (const name of Object.keys(raw.recipes).sort()) {
    const result = resolveRecipe(name, raw.defaults ?? {}, raw.recipes[name] ?? {});
    if (result.recipe === null) problems.push(...result.problems);
    else out.push(result.recipe);
  }
  // Two recipes deploying to one warm domain would overwrite each other's canonical deployment.
  const owners = new Map<string, string>();
  for (const r of out) {
    if (r.promote === null) continue;
    const owner = owners.get(r.promote.domain);
    if (owner === undefined) owners.set(r.promote.domain, r.name);
    else {
      problems.push({
        path: formatJsonPath(['recipes', r.name, 'promote', 'domain']),
        message: `${r.promote.domain} is also the warm domain of recipe ${owner}; each recipe needs its own`,
      });
    }
  }
  return out;
}

/**
 * When the file as a whole is invalid, the recipes whose own part and `defaults` are valid are
 * still merged, so problems only the merge reveals are reported in the same run.
 */
function resolvePartially(json: unknown, problems: ConfigProblem[]): ResolvedRecipe[] {
  if (typeof json !== 'object' || json === null) return [];
  const { defaults, recipes } = json as { defaults?: unknown; recipes?: unknown };
  const d = defaultsSchema.safeParse(defaults ?? {});
  if (!d.success || typeof recipes !== 'object' || recipes === null) return [];
  for (const [name, value] of Object.entries(recipes).sort(([a], [b]) => a.localeCompare(b))) {
    const r = recipeSchema.safeParse(value);
    if (r.success && recipeNameProblem(name) === null) problems.push(...resolveRecipe(name, d.data, r.data).problems);
  }
  return [];
}

async function readForge(
  forge: NonNullable<RawConfig['forge']>,
  baseDir: string,
  env: NodeJS.ProcessEnv,
  problems: ConfigProblem[],
): Promise<ResolvedConfig['forge']> {
  let token: string | null = null;
  if (forge.tokenFile !== undefined) {
    const file = resolve(baseDir, forge.tokenFile);
    try {
      token = (await readFile(file, 'utf8')).trim();
      if (token === '') problems.push({ path: 'forge.tokenFile', message: `${file} is empty; it must hold the forge API token` });
    } catch (error) {
      problems.push({
        path: 'forge.tokenFile',
        message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); it must hold the forge API token`,
      });
    }
  } else if (forge.tokenEnv !== undefined) {
    token = env[forge.tokenEnv]?.trim() ?? '';
    if (token === '') {
      problems.push({ path: 'forge.tokenEnv', message: `environment variable ${forge.tokenEnv} is unset or empty` });
    }
  }
  if (token === null || token === '') return null;
  if (token.length < MIN_SECRET_LENGTH) {
    problems.push({
      path: forge.tokenFile !== undefined ? 'forge.tokenFile' : 'forge.tokenEnv',
      message: `the forge token is ${token.length} characters long; a secret needs at least ${MIN_SECRET_LENGTH}, since canon masks every occurrence of it in what it writes`,
    });
    return null;
  }
  return redacting({ type: 'gitea' as const, url: forge.url, token }, 'token');
}

async function readWebhook(
  webhook: NonNullable<RawConfig['webhook']>,
  baseDir: string,
  problems: ConfigProblem[],
): Promise<WebhookSettings | null> {
  const file = resolve(baseDir, webhook.secretFile);
  let secret: string;
  try {
    secret = (await readFile(file, 'utf8')).trim();
  } catch (error) {
    problems.push({
      path: 'webhook.secretFile',
      message: `cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? 'error'}); it must hold the webhook secret`,
    });
    return null;
  }
  if (secret.length < MIN_SECRET_LENGTH) {
    // The length is said, never the secret: a short one is still someone's secret.
    problems.push({
      path: 'webhook.secretFile',
      message: `${file} holds ${secret.length} characters; the webhook secret must have at least ${MIN_SECRET_LENGTH}`,
    });
    return null;
  }
  const listen = parseListenAddress(webhook.listen ?? BUILTIN.webhookListen);
  if (listen === null) return null;
  return redacting({
    listen,
    path: webhook.path ?? BUILTIN.webhookPath,
    secret,
    debounceSeconds: webhook.debounceSeconds ?? BUILTIN.webhookDebounceSeconds,
    maxSweepsPerHour: webhook.maxSweepsPerHour ?? BUILTIN.webhookMaxSweepsPerHour,
  }, 'secret');
}
