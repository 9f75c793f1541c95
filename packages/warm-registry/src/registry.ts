import { open, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RegistryError } from './errors.js';
import { ensureDir, readTextOrNull, syncDir, writeFileAtomic } from './internal/atomic-file.js';
import { fsError, isErrno } from './internal/fs-errors.js';
import { checkName, recipePattern } from './internal/names.js';
import {
  checkSchemaVersion,
  parseJson,
  parseWith,
  validateForWrite,
} from './internal/parse-record.js';
import { readHistoryText } from './internal/history-lines.js';
import { attemptRecordSchema, type AttemptRecord } from './records/attempt.js';
import {
  canonicalRecordSchema,
  legacyCanonicalSchema,
  viewOfCanonical,
  viewOfLegacy,
  type CanonicalRecord,
  type CanonicalView,
} from './records/canonical.js';
import { historyEventSchema, type HistoryEvent } from './records/history.js';
import { volumeRecordSchema } from './records/volume.js';

export type RegistryOptions = { stateDir: string; registryDir?: string | undefined };

export interface Registry {
  readonly stateDir: string;
  readonly registryDir: string;
  readCanonical(recipe: string): Promise<CanonicalView | null>;
  writeCanonical(record: CanonicalRecord): Promise<void>;
  appendHistory(recipe: string, event: HistoryEvent): Promise<void>;
  readHistory(recipe: string): Promise<HistoryEvent[]>;
  writeAttempt(recipe: string, attempt: AttemptRecord): Promise<void>;
  readAttempt(recipe: string): Promise<AttemptRecord | null>;
  recordVolumeBytes(recipe: string, bytes: number): Promise<void>;
  diskUsage(budgetGiB: number | null): Promise<{ usedBytes: number; budgetBytes: number | null }>;
}

const GiB = 1024 ** 3;

export function openRegistry(opts: RegistryOptions): Registry {
  const stateDir = resolve(opts.stateDir);
  const registryDir = resolve(opts.registryDir ?? join(stateDir, 'registry'));
  const fileOf = (recipe: string, name: string) =>
    join(registryDir, checkName('recipe', recipe), name);
  // Appends to one file run one after another: a failed append cuts the file back to its old
  // length, which must not take a concurrent append with it.
  const appending = new Map<string, Promise<void>>();
  const appendSerially = (path: string, line: string): Promise<void> => {
    const next = (appending.get(path) ?? Promise.resolve()).then(() => appendLine(path, line));
    const settled = next.catch(() => undefined);
    appending.set(path, settled);
    void settled.then(() => {
      if (appending.get(path) === settled) appending.delete(path);
    });
    return next;
  };

  async function readCanonical(recipe: string): Promise<CanonicalView | null> {
    const path = fileOf(recipe, 'canonical.json');
    const text = await readTextOrNull(path);
    if (text === null) return null;
    const value = parseJson(text, path, 'canonical record');
    checkSchemaVersion(value, path, 'canonical record');
    const view =
      value && typeof value === 'object' && 'schema' in value
        ? viewOfCanonical(parseWith(canonicalRecordSchema, value, path, 'canonical record'))
        : viewOfLegacy(
            parseWith(legacyCanonicalSchema, value, path, 'canonical record (legacy shape)'),
          );
    if (view.recipe !== recipe) {
      throw new RegistryError(
        'CORRUPT_RECORD',
        {
          path,
          issues: [{ path: '$.recipe', message: `expected "${recipe}", found "${view.recipe}"` }],
          detail: `Expected ${path} to be the record of ${recipe}, but it names ${view.recipe}; the file was left untouched: move it to the right recipe.`,
        },
      );
    }
    return view;
  }

  return {
    stateDir,
    registryDir,
    readCanonical,

    async writeCanonical(record) {
      const path = fileOf(record.recipe, 'canonical.json');
      const valid = validateForWrite(canonicalRecordSchema, record, path, 'canonical record');
      // An unreadable record is evidence; refusing here keeps it from being overwritten silently.
      await readCanonical(record.recipe);
      await writeFileAtomic(path, JSON.stringify(valid, null, 2) + '\n');
    },

    async appendHistory(recipe, event) {
      const path = fileOf(recipe, 'history.jsonl');
      const valid = validateForWrite(historyEventSchema, event, path, 'history event');
      await ensureDir(join(registryDir, recipe));
      await appendSerially(path, JSON.stringify(valid));
    },

    async readHistory(recipe) {
      const path = fileOf(recipe, 'history.jsonl');
      const text = await readTextOrNull(path);
      return text === null ? [] : readHistoryText(text, path);
    },

    async writeAttempt(recipe, attempt) {
      const path = fileOf(recipe, 'attempt.json');
      const valid = validateForWrite(attemptRecordSchema, attempt, path, 'attempt record');
      if (valid.recipe !== recipe) {
        throw new RegistryError(
          'INVALID_RECORD',
          {
            path,
            issues: [{ path: '$.recipe', message: `expected "${recipe}", got "${valid.recipe}"` }],
            detail: `Refusing to write the attempt of ${valid.recipe} into ${path}; nothing was written.`,
          },
        );
      }
      await writeFileAtomic(path, JSON.stringify(valid, null, 2) + '\n');
    },

    async readAttempt(recipe) {
      const path = fileOf(recipe, 'attempt.json');
      const text = await readTextOrNull(path);
      if (text === null) return null;
      const value = parseJson(text, path, 'attempt record');
      checkSchemaVersion(value, path, 'attempt record');
      return parseWith(attemptRecordSchema, value, path, 'attempt record');
    },

    async recordVolumeBytes(recipe, bytes) {
      const path = fileOf(recipe, 'volume.json');
      const record = validateForWrite(
        volumeRecordSchema,
        { schema: 1, recipe, bytes, ts: new Date().toISOString() },
        path,
        'volume size record',
      );
      await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
    },

    async diskUsage(budgetGiB) {
      let usedBytes = 0;
      for (const recipe of await listRecipeDirs(registryDir)) {
        const path = join(registryDir, recipe, 'volume.json');
        const text = await readTextOrNull(path);
        if (text === null) continue;
        const value = parseJson(text, path, 'volume size record');
        checkSchemaVersion(value, path, 'volume size record');
        usedBytes += parseWith(volumeRecordSchema, value, path, 'volume size record').bytes;
      }
      return { usedBytes, budgetBytes: budgetGiB === null ? null : Math.round(budgetGiB * GiB) };
    },
  };
}

async function listRecipeDirs(registryDir: string): Promise<string[]> {
  try {
    const entries = await readdir(registryDir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && recipePattern.test(e.name)).map((e) => e.name);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw fsError(error, registryDir, 'list');
  }
}

/**
 * Appends one line with O_APPEND, then fsync. A failed append (e.g. a full disk after a short
 * write) is cut back to the old length, so the file is byte-identical to before. If a crash
 * ever left an unterminated fragment at the end, the new event starts on its own line.
 */
async function appendLine(path: string, line: string): Promise<void> {
  let existed = true;
  try {
    await stat(path);
  } catch (error) {
    if (!isErrno(error, 'ENOENT')) throw fsError(error, path, 'inspect');
    existed = false;
  }
  try {
    const handle = await open(path, 'a+', 0o644);
    try {
      const { size } = await handle.stat();
      let prefix = '';
      if (size > 0) {
        const last = Buffer.alloc(1);
        await handle.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      const bytes = Buffer.from(`${prefix}${line}\n`);
      try {
        for (let done = 0; done < bytes.length;) {
          done += (await handle.write(bytes, done)).bytesWritten;
        }
        await handle.sync();
      } catch (error) {
        await handle.truncate(size).catch(() => undefined);
        throw error;
      }
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw fsError(error, path, 'append to');
  }
  if (!existed) await syncDir(resolve(path, '..'), path);
}
