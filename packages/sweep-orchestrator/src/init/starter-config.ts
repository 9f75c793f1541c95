import { mkdir, open } from 'node:fs/promises';
import { dirname, isAbsolute } from 'node:path';
import { BUILTIN } from '../config/builtin-defaults.js';

export type StarterOptions = {
  /** Absolute stateDir the starter names (and `writeStarterConfig` creates). */
  stateDir: string;
  /** `$schema` of the file: where the JSON Schema of this canon lives, for editors. */
  schema?: string;
};

/** The URL the operator must replace: canon's own mirrors are theirs, not upstream's. */
export const MIRROR_PLACEHOLDER = 'https://git.example.org/ci-mirrors/{recipe}.git';
export const UPSTREAM_DEFAULT = 'https://git.coopcloud.tech/coop-cloud/{recipe}.git';

/**
 * A starter config in strict JSON (canon reads no comments, and its schema refuses
 * unknown keys such as "//"): valid as written, so `canon doctor` and `canon plan` accept
 * it once the mirror URL names a real mirror. Its test command fails on purpose, saying
 * what to put there, so no recipe is promoted before the operator has set up a test.
 */
export function renderStarterConfig(opts: StarterOptions): string {
  if (!isAbsolute(opts.stateDir)) throw new TypeError(`stateDir must be an absolute path, got ${JSON.stringify(opts.stateDir)}`);
  const config = {
    ...(opts.schema === undefined ? {} : { $schema: opts.schema }),
    stateDir: opts.stateDir,
    workDir: BUILTIN.workDir,
    schedule: { onCalendar: BUILTIN.onCalendar, persistent: BUILTIN.persistent },
    defaults: {
      upstream: UPSTREAM_DEFAULT,
      mirror: MIRROR_PLACEHOLDER,
      test: {
        command: ['bash', '-c', 'echo "canon: {recipe}: set defaults.test.command to your cold test runner" >&2; exit 1'],
        timeoutSeconds: BUILTIN.testTimeoutSeconds,
      },
    },
    recipes: { 'custom-html': {} },
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

/** What each key of the starter does and what to change: printed by `canon init`, since JSON holds no comments. */
export function starterWalkthrough(configPath: string): string {
  return [
    `Wrote ${configPath}. canon reads strict JSON (no comments), so here is what each key does:`,
    '',
    '  stateDir            registry, runs, logs and locks; created now. registryDir (absent) defaults to',
    '                      <stateDir>/registry; set it only to adopt an existing registry (cc-ci: /var/lib/ci-warm).',
    '  workDir             checkouts of the tested tags; created by the first sweep.',
    '  schedule            the weekly timer: `canon units render` turns it into canon-sweep.timer.',
    '  defaults.upstream   where releases come from; {recipe} is replaced by each recipe name.',
    `  defaults.mirror     EDIT: your mirror of each recipe (it replaces ${MIRROR_PLACEHOLDER}).`,
    '  defaults.test       EDIT: the cold test of one release (argv, no shell; placeholders {recipe},',
    '                      {version}, {tag}, {checkout}, …). The starter command fails on purpose.',
    '  defaults.promote    add it to deploy, check and park the known-good version (docs/configuration.md).',
    '  recipes             the enrolled recipes, each {} or its own overrides.',
    '  forge               add {type, url, tokenFile} to close stale mirror pull requests.',
    '',
    'Next: canon doctor --config FILE; canon plan --config FILE; canon units render --out DIR --config FILE.',
    '',
  ].join('\n');
}

export type InitResult = { written: true; path: string } | { written: false; path: string; reason: string };

/**
 * Writes the starter config at `path`, never over an existing file (created with O_EXCL,
 * so a file that appears meanwhile is kept too), then creates stateDir. Nothing else: an
 * explicit registryDir is an existing registry to adopt, never canon's to create.
 */
export async function writeStarterConfig(path: string, opts: StarterOptions): Promise<InitResult> {
  const text = renderStarterConfig(opts);
  await mkdir(dirname(path), { recursive: true });
  let handle;
  try {
    handle = await open(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      return { written: false, path, reason: `${path} already exists; canon init never overwrites a config (edit it, or pass --config NEW)` };
    throw error;
  }
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  await mkdir(opts.stateDir, { recursive: true });
  return { written: true, path };
}

/** Where canon keeps its state when the config does not say: `canon init`'s default. */
export const DEFAULT_STATE_DIR = BUILTIN.stateDir;
