import { EXIT } from './exit-codes.js';

type Described = { name?: unknown; message?: unknown; code?: unknown; data?: unknown };

type LockHolderLike = {
  pid?: unknown; host?: unknown; runId?: unknown; startedAt?: unknown; recipe?: unknown; phase?: unknown;
};

// Matched by class name, not instanceof: the CLI's top level must not import the packages
// that define these classes, or `canon --version` would load them all.
export function exitCodeForError(error: unknown): number {
  const name = (error as Described | null)?.name;
  switch (name) {
    case 'UsageError':
    case 'ConfigError':
      return EXIT.usage;
    case 'SweepError':
      return (error as Described).code === 'UNKNOWN_RECIPE' ? EXIT.usage : EXIT.failed;
    case 'HollowSweepError':
      return EXIT.hollow;
    case 'LockedError':
      return EXIT.locked;
    case 'RegistryError':
      // A missing configured registryDir is a config mistake: nothing may run against it.
      return (error as Described).code === 'REGISTRY_DIR_MISSING' ? EXIT.usage : EXIT.failed;
    default:
      return EXIT.failed;
  }
}

export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return `canon: ${String(error)}`;
  const e = error as Error & Described;
  if (e.name === 'ConfigError') return describeConfigError(e);
  if (e.name === 'LockedError') return describeLocked(e);
  const code = typeof e.code === 'string' ? ` [${e.code}]` : '';
  return `canon: ${e.message}${code}`;
}

function describeConfigError(e: Error & Described): string {
  return `canon: ${e.message}\nNothing was written.`;
}

function describeLocked(e: Error & Described): string {
  const data = (e.data ?? {}) as { holder?: LockHolderLike | null; lockPath?: unknown };
  const h = data.holder;
  if (h === null || h === undefined) {
    return `canon: another sweep holds ${String(data.lockPath ?? 'the sweep lock')} (holder unknown); try again after it finishes`;
  }
  const at = h.recipe === null || h.recipe === undefined ? 'between recipes' : `recipe ${String(h.recipe)}, phase ${String(h.phase ?? '?')}`;
  return (
    `canon: another sweep is running: pid ${String(h.pid)} on ${String(h.host)}, run ${String(h.runId)}, ` +
    `started ${String(h.startedAt)}, now at ${at}. Not starting a second one.`
  );
}
