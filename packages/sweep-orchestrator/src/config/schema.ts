import { parseSchedule } from '@canon/timer-units';
import { RECIPE_NAME, RECIPE_NAME_SHAPE } from '@canon/trigger';
import { REGISTRY_FORMATS } from '@canon/warm-registry';
import { z } from 'zod';
import { BUILTIN, PROMOTE_MODES, PROMOTERS, SCOPES } from './builtin-defaults.js';
import { unknownPlaceholders } from './placeholders.js';
import { execution, POOL_NAME, seconds, webhook } from './daemon-schemas.js';
import { domainProblem, httpUrlProblem, recipeNameProblem, regexProblem, remoteUrlProblem } from './validators.js';

export { MAX_SECONDS, POOL_NAME } from './daemon-schemas.js';

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

/** A string that must compile as a JavaScript regular expression (what the problem is, if not). */
function regexString() {
  return z.string().superRefine((p, ctx) => {
    const problem = regexProblem(p);
    if (problem !== null) ctx.addIssue({ code: 'custom', message: problem });
  });
}

const nonEmpty = (sample: string): string | null => (sample === '' ? 'must not be empty' : null);

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
    rejectBodyPattern: regexString()
      .nullable()
      .meta({ description: 'a body matching this regular expression is unhealthy', default: null })
      .optional(),
    timeoutSeconds: seconds('health.timeoutSeconds').meta({ default: BUILTIN.healthTimeoutSeconds }).optional(),
    intervalSeconds: seconds('health.intervalSeconds').meta({ default: BUILTIN.healthIntervalSeconds }).optional(),
    also: z
      .array(withPlaceholders(SCOPES.healthUrl, httpUrlProblem))
      .meta({ description: 'more URLs polled after `url` (dependents\' health, e.g. https://{domain}/realms/master)', default: [] })
      .optional(),
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
    rollback: z.boolean().meta({ description: 'redeploy the previous canonical after a failed promote; always on in mode "live"', default: BUILTIN.rollback }).optional(),
    mode: z
      .enum(PROMOTE_MODES)
      .meta({ description: '"warm": a disposable warm stack; "live": shared infrastructure (no teardown, no park, backup + restore, rollback forced)', default: BUILTIN.promoteMode })
      .optional(),
    backup: optionalArgv('mode "live": runs before anything is touched (e.g. a snapshot of the live volumes); required there'),
    restore: optionalArgv('runs before a rollback redeploys the previous canonical (mode "live": brings the backup back)'),
    env: env.optional(),
    by: z
      .enum(PROMOTERS)
      .meta({ description: '"canon" deploys the warm canonical itself; "test": the test command promotes on its own and canon verifies the record', default: BUILTIN.promoteBy })
      .optional(),
    locks: z
      .array(z.string().min(1).pipe(withPlaceholders(SCOPES.lockPath)))
      .meta({ description: 'flock(2) lock files other tools take for this app (e.g. /run/lock/cc-ci-app-{domain}.lock); held for the whole promote', default: [] })
      .optional(),
    lockWaitSeconds: z
      .number()
      .min(0)
      .meta({ description: 'how long to wait for the app lock and promote.locks held elsewhere before giving up (app-locked)', default: BUILTIN.lockWaitSeconds })
      .optional(),
    snapshotAfterPark: z
      .boolean()
      .meta({ description: 'park before snapshot (snapshots taken while undeployed); a park failure then fails the promote', default: BUILTIN.snapshotAfterPark })
      .optional(),
  })
  .meta({ description: 'warm deploy after a green, gated test; null disables it' });

const test = z.strictObject({
  command: argv(SCOPES.command).optional(),
  timeoutSeconds: seconds('test.timeoutSeconds').meta({ default: BUILTIN.testTimeoutSeconds }).optional(),
  env: env.optional(),
  pool: z
    .string()
    .regex(POOL_NAME, 'a pool name must match [a-z0-9][a-z0-9._-]* (at most 64 characters)')
    .meta({ description: 'queue mode: the pool of workers that runs this test (canon worker --pool)' })
    .optional(),
  revision: z
    .array(z.string())
    .min(1, 'an argv array needs at least the program name')
    .refine((a) => (a[0] ?? '') !== '', { message: 'the program name (first element) is empty' })
    .nullable()
    .meta({ description: "argv printing the suite's own revision; its output joins suiteRev", default: null })
    .optional(),
  retries: z.number().int().min(0).max(10).meta({ description: 're-runs of a red test (not a timeout) in the same checkout', default: BUILTIN.testRetries }).optional(),
  flaky: z
    .enum(['promote', 'hold'])
    .meta({ description: 'red then green on a retry: promote it, or hold it back as FAILED (detail flaky)', default: BUILTIN.testFlaky })
    .optional(),
  baseline: z
    .literal('on-red')
    .nullable()
    .meta({ description: "after a final red, run the suite once on the canonical's recorded commit: regression or always-failed", default: null })
    .optional(),
  cwd: withPlaceholders(SCOPES.command, nonEmpty)
    .meta({ description: 'working directory of the test command; placeholders allowed', default: BUILTIN.testCwd })
    .optional(),
  checkoutDir: withPlaceholders(SCOPES.checkoutDir, nonEmpty)
    .meta({ description: 'where the tag is checked out ({checkout}): reused when it is a git repository, refused when it is anything else; default <workDir>/checkouts/{recipe}' })
    .optional(),
  timeoutExitCodes: z
    .array(z.number().int().min(1).max(255))
    .meta({ description: 'exit codes of the test command that mean it hit its own deadline (TIMED-OUT)', default: [] })
    .optional(),
  failurePattern: regexString()
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
  hold: z
    .strictObject({
      major: z.boolean().meta({ description: 'hold a release whose recipe semver major is above the canonical\'s', default: false }).optional(),
      appMajor: z.boolean().meta({ description: 'also hold one whose app major (build metadata, +1.24.2) is above the canonical\'s', default: false }).optional(),
    })
    .meta({ description: 'held majors are skipped until `canon approve` records an approval for exactly that version' })
    .optional(),
};

export const defaultsSchema = z.strictObject(settings).meta({ description: 'settings every recipe inherits' });

export const recipeSchema = z.strictObject({
  ...settings,
  reason: z.string().nullable().meta({ description: 'why the recipe is not enrolled', default: null }).optional(),
  block: z
    .array(z.strictObject({ version: z.string().min(1), reason: z.string() }))
    .meta({ description: 'release versions never to test or promote', default: [] })
    .optional(),
  waive: z
    .array(
      z.strictObject({
        version: z.string().min(1),
        commit: z.string().regex(/^[0-9a-f]{7,64}$/, 'a commit id in lower-case hex').optional(),
        reason: z.string().min(1),
        expires: z.iso.date('expires must be an ISO date (YYYY-MM-DD)'),
      }),
    )
    .meta({ description: 'lets a red of exactly this version (and commit) pass the gate; expires at most 90 days out', default: [] })
    .optional(),
  dependsOn: z
    .array(z.string().regex(RECIPE_NAME, `a recipe name must match ${RECIPE_NAME_SHAPE}`))
    .meta({ description: 'recipes of earlier tiers this one needs; only their health can skip it infra-degraded (default: every earlier tier\'s recipe)' })
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
    recheckAfterDays: z
      .number()
      .positive()
      .meta({ description: 'a known failure is re-tested after this many days', default: BUILTIN.recheckAfterDays })
      .optional(),
    tiers: z
      .array(
        z.strictObject({
          name: z.string().min(1).meta({ description: 'shown in logs and reports' }),
          recipes: z
            .union([z.literal('*'), z.array(z.string().regex(RECIPE_NAME, `a recipe name must match ${RECIPE_NAME_SHAPE}`))])
            .meta({ description: 'recipe names, or "*" for every recipe named in no other tier' }),
        }),
      )
      .min(1)
      .meta({ description: 'swept in order; a tier\'s tests and promotes end before the next starts (default: one tier "*")' })
      .optional(),
    passEnv: z
      .array(z.string().regex(ENV_NAME, 'passEnv holds environment variable names'))
      .meta({ description: 'names of canon\'s own environment variables the commands it runs may inherit (besides PATH, HOME, USER, LOGNAME, LANG, LC_*, TZ, TMPDIR)', default: [] })
      .optional(),
    webhook: webhook.nullable().meta({ description: '`canon listen` settings; null or absent: `canon listen` refuses to start', default: null }).optional(),
    execution: execution.optional(),
  })
  .meta({ title: 'canon.config.json', description: 'Configuration of canon, the weekly recipe sweep' });

export type RawConfig = z.infer<typeof configSchema>;
export type RawSettings = z.infer<typeof recipeSchema>;
