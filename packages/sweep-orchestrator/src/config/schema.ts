import { parseSchedule } from '@canon/timer-units';
import { RECIPE_NAME, RECIPE_NAME_SHAPE } from '@canon/trigger';
import { REGISTRY_FORMATS } from '@canon/warm-registry';
import { z } from 'zod';
import { BUILTIN, SCOPES } from './builtin-defaults.js';
import { unknownPlaceholders } from './placeholders.js';
import { domainProblem, httpUrlProblem, listenAddressProblem, recipeNameProblem, regexProblem, remoteUrlProblem } from './validators.js';

// Every object is strict (unknown keys are errors) and every key of `defaults` and of a recipe
// is optional: required values are checked after the recipe is merged over `defaults`.

function withPlaceholders(scope: readonly string[], check?: (sample: string) => string | null) {
  return z.string().superRefine((value, ctx) => {
    const unknown = unknownPlaceholders(value, scope);
    for (const name of unknown) {
      ctx.addIssue({
        code: 'custom',
        message: `unknown placeholder {${name}}; allowed here: ${scope.map((s) => `{${s}}`).join(' ')}`,
      });
    }
    if (unknown.length === 0 && check !== undefined) {
      // Placeholders are replaced by harmless sample values so the shape can be checked now.
      const problem = check(value.replace(/\{(\w+)\}/g, (_, name: string) => (name === 'domain' ? 'example.org' : 'x')));
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }
  });
}

/** SPEC: about 23 days; every timer canon arms works up to it (see internal/long-timeout.ts). */
export const MAX_SECONDS = 2_000_000;

const seconds = (what: string) =>
  z
    .number()
    .positive(`${what} must be a positive number of seconds (fractions allowed)`)
    .max(MAX_SECONDS, `${what} must be at most ${MAX_SECONDS.toLocaleString('en')} seconds (about 23 days)`);

const argv = (scope: readonly string[]) =>
  z
    .array(withPlaceholders(scope))
    .min(1, 'an argv array needs at least the program name')
    .refine((a) => (a[0] ?? '') !== '', { message: 'the program name (first element) is empty' })
    .meta({ description: 'argv array: the program, then its arguments; never a shell string' });

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const env = z
  .record(z.string(), withPlaceholders(SCOPES.command))
  .superRefine((record, ctx) => {
    for (const key of Object.keys(record)) {
      if (!ENV_NAME.test(key)) {
        ctx.addIssue({ code: 'custom', path: [key], message: `"${key}" is not an environment variable name` });
      } else if (key.startsWith('CANON_')) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'CANON_* variables are set by canon itself' });
      }
    }
  })
  .meta({ description: 'extra environment; values may use placeholders', default: {} });

const remoteUrl = withPlaceholders(SCOPES.remote, remoteUrlProblem).meta({
  description: 'git remote: https://, http://, ssh:// or git@host:path; {recipe} allowed',
});

const branch = z
  .string()
  .regex(/^(?!-)(?!.*\.\.)[A-Za-z0-9._/-]+$/, 'branch must be "HEAD" or a plain branch name (no leading "-", no "..")')
  .meta({ description: 'upstream branch to mirror; "HEAD" follows upstream\'s default branch', default: BUILTIN.branch });

const health = z
  .strictObject({
    url: withPlaceholders(SCOPES.healthUrl, httpUrlProblem).meta({ default: BUILTIN.healthUrl }).optional(),
    expectStatus: z
      .array(z.number().int().min(100).max(599))
      .min(1)
      .meta({ default: [...BUILTIN.expectStatus] })
      .optional(),
    rejectBodyPattern: z
      .string()
      .superRefine((p, ctx) => {
        const problem = regexProblem(p);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .nullable()
      .meta({ description: 'a body matching this regular expression is unhealthy', default: null })
      .optional(),
    timeoutSeconds: seconds('health.timeoutSeconds').meta({ default: BUILTIN.healthTimeoutSeconds }).optional(),
    intervalSeconds: seconds('health.intervalSeconds').meta({ default: BUILTIN.healthIntervalSeconds }).optional(),
  })
  .meta({ description: 'health poll of the warm deployment' });

const optionalArgv = (description: string) =>
  argv(SCOPES.command).nullable().meta({ description, default: null }).optional();

const promote = z
  .strictObject({
    domain: withPlaceholders(SCOPES.domain, domainProblem).meta({ description: 'warm domain; {recipe} allowed' }).optional(),
    deploy: argv(SCOPES.command).optional(),
    teardown: optionalArgv('clears residue before a seed; never run for a protected domain'),
    verify: optionalArgv('prints the deployed version; must equal the tested version'),
    health: health.optional(),
    snapshot: optionalArgv('must succeed before the canonical is written'),
    park: optionalArgv('runs after promotion; failure is only a warning'),
    volumeSize: optionalArgv('prints the warm volumes\' size in bytes'),
    timeoutSeconds: seconds('promote.timeoutSeconds').meta({ default: BUILTIN.promoteTimeoutSeconds }).optional(),
    rollback: z.boolean().meta({ default: BUILTIN.rollback }).optional(),
    env: env.optional(),
  })
  .meta({ description: 'warm deploy after a green, gated test; null disables it' });

const test = z.strictObject({
  command: argv(SCOPES.command).optional(),
  timeoutSeconds: seconds('test.timeoutSeconds').meta({ default: BUILTIN.testTimeoutSeconds }).optional(),
  env: env.optional(),
  failurePattern: z
    .string()
    .superRefine((p, ctx) => {
      const problem = regexProblem(p);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    })
    .meta({ description: "a failed test log's first line matching this regular expression is shown beside the outcome; default: the last non-empty line" })
    .optional(),
});

const settings = {
  upstream: remoteUrl.optional(),
  mirror: remoteUrl.optional(),
  branch: branch.optional(),
  busyCheck: argv(SCOPES.busyCheck)
    .nullable()
    .meta({ description: 'exits 0 when the recipe is free, non-zero when another CI run holds it', default: null })
    .optional(),
  test: test.optional(),
  promote: promote.nullable().optional(),
  enrolled: z.boolean().meta({ default: BUILTIN.enrolled }).optional(),
};

export const defaultsSchema = z.strictObject(settings).meta({ description: 'settings every recipe inherits' });

export const recipeSchema = z.strictObject({
  ...settings,
  reason: z.string().nullable().meta({ description: 'why the recipe is not enrolled', default: null }).optional(),
  block: z
    .array(z.strictObject({ version: z.string().min(1), reason: z.string() }))
    .meta({ description: 'release versions never to test or promote', default: [] })
    .optional(),
});

const forge = z
  .strictObject({
    type: z.literal('gitea'),
    url: z.string().superRefine((u, ctx) => {
      const problem = httpUrlProblem(u);
      if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
    }),
    tokenFile: z.string().min(1).meta({ description: 'file holding the API token (read at load)' }).optional(),
    tokenEnv: z.string().regex(ENV_NAME).meta({ description: 'environment variable holding the API token' }).optional(),
  })
  .superRefine((f, ctx) => {
    if ((f.tokenFile === undefined) === (f.tokenEnv === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'set exactly one of forge.tokenFile and forge.tokenEnv' });
    }
  });

const recipes = z
  .record(z.string().regex(RECIPE_NAME, `a recipe name must match ${RECIPE_NAME_SHAPE}`), recipeSchema)
  .superRefine((record, ctx) => {
    for (const name of Object.keys(record)) {
      const problem = recipeNameProblem(name);
      if (problem !== null) ctx.addIssue({ code: 'custom', path: [name], message: problem });
    }
  })
  .meta({ description: 'one key per recipe name; the value holds its settings (may be {})' });

const webhook = z
  .strictObject({
    listen: z
      .string()
      .superRefine((v, ctx) => {
        const problem = listenAddressProblem(v);
        if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
      })
      .meta({ description: 'host:port `canon listen` binds ([::1]:8787 for IPv6)', default: BUILTIN.webhookListen })
      .optional(),
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~/-]*$/, 'path must start with "/" and hold only URL-safe characters')
      .meta({ description: 'where the forge POSTs its deliveries', default: BUILTIN.webhookPath })
      .optional(),
    secretFile: z.string().min(1).meta({ description: 'file holding the hook secret (read at load, at least 8 characters)' }),
    debounceSeconds: z
      .number()
      .min(0)
      .meta({ description: 'quiet time after the first pending event before the sweep starts', default: BUILTIN.webhookDebounceSeconds })
      .optional(),
    maxSweepsPerHour: z
      .number()
      .int()
      .min(1)
      .meta({ description: 'listen-triggered sweeps per rolling hour', default: BUILTIN.webhookMaxSweepsPerHour })
      .optional(),
  })
  .meta({ description: '`canon listen`: forge webhooks that trigger sweeps' });

const path = (description: string, fallback: string) => z.string().min(1).meta({ description, default: fallback });

export const configSchema = z
  .strictObject({
    $schema: z.string().optional(),
    stateDir: path('registry, runs and locks; relative paths are resolved against the config file\'s directory', BUILTIN.stateDir).optional(),
    workDir: path('checkouts of the tested tags', BUILTIN.workDir).optional(),
    registryDir: z
      .string()
      .min(1)
      .nullable()
      .meta({ description: 'an existing registry directory to use instead of <stateDir>/registry; never created: missing is a config error', default: null })
      .optional(),
    registryFormat: z
      .enum(REGISTRY_FORMATS)
      .meta({ description: 'how canonical.json is written: canon\'s record, or cc-ci\'s ci-warm keys (+ last_good)', default: BUILTIN.registryFormat })
      .optional(),
    forge: forge.nullable().meta({ description: 'Gitea/Forgejo API for pull-request cleanup; null or absent: none', default: null }).optional(),
    defaults: defaultsSchema.optional(),
    recipes,
    protectedDomains: z
      .array(
        z.string().superRefine((d, ctx) => {
          const problem = domainProblem(d);
          if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
        }),
      )
      .meta({ description: 'warm domains canon never tears down', default: [] })
      .optional(),
    schedule: z
      .strictObject({
        onCalendar: z
          .string()
          .min(1)
          .superRefine((spec, ctx) => {
            const schedule = parseSchedule(spec);
            if (!schedule.ok && spec !== '') ctx.addIssue({ code: 'custom', message: `${JSON.stringify(spec)} ${schedule.reason}` });
          })
          .meta({ description: 'systemd OnCalendar= of the sweep timer', default: BUILTIN.onCalendar })
          .optional(),
        persistent: z.boolean().meta({ default: BUILTIN.persistent }).optional(),
      })
      .optional(),
    lockStaleSeconds: seconds('lockStaleSeconds').meta({ default: BUILTIN.lockStaleSeconds }).optional(),
    killGraceSeconds: seconds('killGraceSeconds').meta({ default: BUILTIN.killGraceSeconds }).optional(),
    concurrency: z.number().int().min(1).max(64).meta({ default: BUILTIN.concurrency }).optional(),
    includePrereleases: z.boolean().meta({ default: BUILTIN.includePrereleases }).optional(),
    diskBudgetGiB: z.number().positive().nullable().meta({ default: null }).optional(),
    webhook: webhook.nullable().meta({ description: '`canon listen` settings; null or absent: `canon listen` refuses to start', default: null }).optional(),
  })
  .meta({ title: 'canon.config.json', description: 'Configuration of canon, the weekly recipe sweep' });

export type RawConfig = z.infer<typeof configSchema>;
export type RawSettings = z.infer<typeof recipeSchema>;
