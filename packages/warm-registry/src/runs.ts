import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RegistryError } from './errors.js';
import { ensureDir, readTextOrNull } from './internal/atomic-file.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { fsError, isErrno } from './internal/fs-errors.js';
import { checkName } from './internal/names.js';
import {
  checkSchemaVersion,
  parseJson,
  parseWith,
  validateForWrite,
} from './internal/parse-record.js';
import { runRecordSchema, type RunRecord } from './records/run.js';

export interface RunStore {
  readonly dir: string;
  /** `runs/<runId>/<recipe>/<step>.log`; its directory exists when this returns. */
  logPath(recipe: string, step: string): string;
  /** Atomically replaces run.json; call it as the run goes so a crash still leaves a record. */
  writeRecord(run: RunRecord): Promise<void>;
  /**
   * Writes run.json, then runs/latest.json (a copy of it); with `full` (a sweep of every recipe,
   * not dry, not interrupted) also runs/latest-full.json, which "last completed sweep" reads.
   */
  finish(run: RunRecord, opts?: { full: boolean }): Promise<void>;
}

const runIdPattern = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const runsDirOf = (stateDir: string) => join(resolve(stateDir), 'runs');

/** A sortable run id: UTC second of the start plus a random suffix, e.g. `20261127T031500Z-4f2a`. */
export function newRunId(date: Date = new Date()): string {
  const stamp = date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  return `${stamp}-${randomBytes(2).toString('hex')}`;
}

export async function createRun(opts: { stateDir: string; runId: string }): Promise<RunStore> {
  const runId = checkName('runId', opts.runId);
  const runsDir = runsDirOf(opts.stateDir);
  const dir = join(runsDir, runId);
  await ensureDir(runsDir);
  try {
    await mkdir(dir);
  } catch (error) {
    if (isErrno(error, 'EEXIST')) {
      throw new RegistryError(
        'RUN_EXISTS',
        {
          path: dir,
          runId,
          detail: `Expected a new run directory, but ${dir} already exists; use a fresh id from newRunId().`,
        },
        { cause: error },
      );
    }
    throw fsError(error, dir, 'create run directory');
  }
  const runPath = join(dir, 'run.json');

  async function writeRecord(run: RunRecord): Promise<void> {
    const valid = validateForWrite(runRecordSchema, run, runPath, 'run record');
    if (valid.runId !== runId) {
      throw new RegistryError('INVALID_RECORD', {
        path: runPath,
        issues: [{ path: '$.runId', message: `expected "${runId}", got "${valid.runId}"` }],
        detail: `Refusing to write run ${valid.runId} into ${runPath}; nothing was written.`,
      });
    }
    await writeFileAtomic(runPath, JSON.stringify(valid, null, 2) + '\n');
  }

  return {
    dir,
    logPath(recipe, step) {
      const recipeDir = join(dir, checkName('recipe', recipe));
      const file = `${checkName('step', step)}.log`;
      try {
        mkdirSync(recipeDir, { recursive: true });
      } catch (error) {
        throw fsError(error, recipeDir, 'create log directory');
      }
      return join(recipeDir, file);
    },
    writeRecord,
    async finish(run, finishOpts) {
      await writeRecord(run);
      const text = JSON.stringify(run, null, 2) + '\n';
      await writeFileAtomic(join(runsDir, 'latest.json'), text);
      if (finishOpts?.full === true) await writeFileAtomic(join(runsDir, 'latest-full.json'), text);
    },
  };
}

/** Run ids under `runs/`, oldest first (ids start with their UTC start time). */
export async function listRuns(stateDir: string): Promise<string[]> {
  const runsDir = runsDirOf(stateDir);
  try {
    const entries = await readdir(runsDir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory() && runIdPattern.test(e.name))
      .map((e) => e.name)
      .sort();
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw fsError(error, runsDir, 'list runs in');
  }
}

function parseRun(text: string, path: string): RunRecord {
  const value = parseJson(text, path, 'run record');
  checkSchemaVersion(value, path, 'run record');
  return parseWith(runRecordSchema, value, path, 'run record');
}

export async function readRun(stateDir: string, runId: string): Promise<RunRecord> {
  const path = join(runsDirOf(stateDir), checkName('runId', runId), 'run.json');
  const text = await readTextOrNull(path);
  if (text === null) {
    throw new RegistryError('RUN_NOT_FOUND', {
      path,
      runId,
      detail: `Expected a run record at ${path}, but there is none; list the runs with listRuns() (or \`canon report\` without --run).`,
    });
  }
  return parseRun(text, path);
}

export async function readLatestRun(stateDir: string): Promise<RunRecord | null> {
  return readRunFile(join(runsDirOf(stateDir), 'latest.json'));
}

/** The newest full sweep (every recipe, not dry, not interrupted): runs/latest-full.json, or null. */
export async function readLatestFullRun(stateDir: string): Promise<RunRecord | null> {
  return readRunFile(join(runsDirOf(stateDir), 'latest-full.json'));
}

async function readRunFile(path: string): Promise<RunRecord | null> {
  const text = await readTextOrNull(path);
  return text === null ? null : parseRun(text, path);
}

export type UnfinishedRuns = {
  /** Runs now recorded as interrupted, oldest first. */
  closed: string[];
  /** Runs whose run.json could not be read or written; left as they were. */
  unreadable: { runId: string; message: string }[];
};

// run.json is written with two-space indentation: a record that lacks this line is finished
// and costs no parse.
const unfinishedLine = /^ {2}"finishedAt": null,?$/m;

/**
 * Closes the run.json of every run that never finished (a sweep killed with SIGKILL or lost
 * with its host): `interrupted: true` and `finishedAt` = `at`, the time this was noticed.
 * Call it only under the sweep mutex: then no run but `currentRunId` can still be alive.
 * runs/latest.json is left alone: a dead run never becomes the latest.
 */
export async function closeUnfinishedRuns(opts: {
  stateDir: string;
  currentRunId: string;
  at: Date;
}): Promise<UnfinishedRuns> {
  const out: UnfinishedRuns = { closed: [], unreadable: [] };
  for (const runId of await listRuns(opts.stateDir)) {
    if (runId === opts.currentRunId) continue;
    const path = join(runsDirOf(opts.stateDir), runId, 'run.json');
    try {
      const text = await readTextOrNull(path);
      if (text === null || !unfinishedLine.test(text)) continue;
      const run = parseRun(text, path);
      if (run.finishedAt !== null) continue;
      const closed = { ...run, interrupted: true, finishedAt: opts.at.toISOString() };
      const valid = validateForWrite(runRecordSchema, closed, path, 'run record');
      await writeFileAtomic(path, JSON.stringify(valid, null, 2) + '\n');
      out.closed.push(runId);
    } catch (error) {
      out.unreadable.push({ runId, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return out;
}

/** Removes all but the newest `keep` runs (never the ones latest.json and latest-full.json name); returns the removed ids. */
export async function pruneRuns(stateDir: string, keep = 52): Promise<string[]> {
  if (!Number.isInteger(keep) || keep < 1) {
    throw new RegistryError('INVALID_OPTION', {
      path: runsDirOf(stateDir),
      keep,
      detail: `Expected keep to be a positive integer, got ${keep}.`,
    });
  }
  const runs = await listRuns(stateDir);
  const kept = new Set([await readRunIdOf(() => readLatestRun(stateDir)), await readRunIdOf(() => readLatestFullRun(stateDir))]);
  const removed: string[] = [];
  for (const runId of runs.slice(0, Math.max(0, runs.length - keep))) {
    if (kept.has(runId)) continue;
    const dir = join(runsDirOf(stateDir), runId);
    try {
      await rm(dir, { recursive: true, force: true });
    } catch (error) {
      throw fsError(error, dir, 'remove old run');
    }
    removed.push(runId);
  }
  return removed;
}

/** Pruning must not fail because a latest*.json is unreadable; it then protects nothing. */
async function readRunIdOf(read: () => Promise<RunRecord | null>): Promise<string | null> {
  try {
    return (await read())?.runId ?? null;
  } catch {
    return null;
  }
}
