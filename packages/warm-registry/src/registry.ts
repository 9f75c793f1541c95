import { statSync } from 'node:fs';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { RegistryError } from './errors.js';
import { serialAppender } from './internal/append-line.js';
import { ensureDir, readTextOrNull, refuseSymlink } from './internal/atomic-file.js';
import { canonicalText, parseCanonicalText } from './internal/canonical-file.js';
import { writeFileAtomic } from './write-file-atomic.js';
import { fsError, isErrno } from './internal/fs-errors.js';
import { readHistoryText, readJsonlText, type JsonlRead } from './internal/jsonl-lines.js';
import { RECIPE_NAME } from '@canon/trigger';
import { checkName } from './internal/names.js';
import {
  checkSchemaVersion,
  parseJson,
  parseWith,
  validateForWrite,
} from './internal/parse-record.js';
import { attemptRecordSchema, type AttemptRecord } from './records/attempt.js';
import {
  canonicalRecordSchema,
  type CanonicalRecord,
  type CanonicalView,
  type RegistryFormat,
} from './records/canonical.js';
import { historyEventSchema, type HistoryEvent } from './records/history.js';
import { volumeRecordSchema } from './records/volume.js';
import { approvalRecordSchema, type ApprovalRecord } from './records/approval.js';
import { verdictRecordSchema, type VerdictRecord } from './records/verdict.js';

export type RegistryOptions = {
  stateDir: string;
  /** An existing directory to hold `<recipe>/canonical.json` instead of `<stateDir>/registry`; never created. */
  registryDir?: string | undefined;
  registryFormat?: RegistryFormat | undefined;
};

/** What `repairLastGood` found: `last_good` must hold canonical.json's version and a newline. */
export type LastGoodCheck =
  | { status: 'ok'; recipe: string; version: string }
  | { status: 'repaired'; recipe: string; version: string; found: string | null; detail: string }
  | { status: 'no-canonical'; recipe: string; found: string | null };

export interface Registry {
  readonly stateDir: string;
  readonly registryDir: string;
  readonly registryFormat: RegistryFormat;
  readCanonical(recipe: string): Promise<CanonicalView | null>;
  /** Writes canonical.json in the registry's format; in `ci-warm` format then `last_good`. */
  writeCanonical(record: CanonicalRecord): Promise<void>;
  /** `last_good`'s text, or null when there is none. */
  readLastGood(recipe: string): Promise<string | null>;
  /** Rewrites `last_good` when it does not hold canonical.json's version (a crash between the two writes). */
  repairLastGood(recipe: string): Promise<LastGoodCheck>;
  appendHistory(recipe: string, event: HistoryEvent): Promise<void>;
  readHistory(recipe: string): Promise<HistoryEvent[]>;
  writeAttempt(recipe: string, attempt: AttemptRecord): Promise<void>;
  readAttempt(recipe: string): Promise<AttemptRecord | null>;
  /** Appends one line to `recipes/<recipe>/verdicts.jsonl`. */
  appendVerdict(recipe: string, verdict: VerdictRecord): Promise<void>;
  /** verdicts.jsonl oldest first; a torn line is skipped and listed in `warnings`. */
  readVerdicts(recipe: string): Promise<JsonlRead<VerdictRecord>>;
  /** Appends one line to `recipes/<recipe>/approvals.jsonl`. */
  appendApproval(recipe: string, approval: ApprovalRecord): Promise<void>;
  /** approvals.jsonl oldest first; a torn line is skipped and listed in `warnings`. */
  readApprovals(recipe: string): Promise<JsonlRead<ApprovalRecord>>;
  /** `readVerdicts` and `readApprovals` at once: one listing of `recipes/<recipe>/` tells which exist. */
  readDecisionRecords(recipe: string): Promise<DecisionRecords>;
  recordVolumeBytes(recipe: string, bytes: number): Promise<void>;
  diskUsage(budgetGiB: number | null): Promise<{ usedBytes: number; budgetBytes: number | null }>;
}

/** What a sweep reads of a recipe before deciding: its verdicts and its approvals. */
export type DecisionRecords = {
  verdicts: JsonlRead<VerdictRecord>;
  approvals: JsonlRead<ApprovalRecord>;
};

const GiB = 1024 ** 3;

/**
 * Opens the registry. An explicitly configured `registryDir` must already exist: a mistyped one
 * would otherwise make every recipe look unseeded (RegistryError `REGISTRY_DIR_MISSING`).
 */
export function openRegistry(opts: RegistryOptions): Registry {
  const stateDir = resolve(opts.stateDir);
  const explicit = opts.registryDir !== undefined;
  const registryDir = resolve(opts.registryDir ?? join(stateDir, 'registry'));
  const registryFormat = opts.registryFormat ?? 'canon';
  if (explicit) checkRegistryDirSync(registryDir);
  const canonicalDir = (recipe: string) => join(registryDir, checkName('recipe', recipe));
  const canonicalPath = (recipe: string) => join(canonicalDir(recipe), 'canonical.json');
  const lastGoodPath = (recipe: string) => join(canonicalDir(recipe), 'last_good');
  // canon's own files live under stateDir/recipes/; an earlier canon kept them beside canonical.json.
  const ownDir = (recipe: string) => join(stateDir, 'recipes', checkName('recipe', recipe));
  const ownFile = (recipe: string, name: string) => join(ownDir(recipe), name);
  const oldOwnFile = (recipe: string, name: string) => join(canonicalDir(recipe), name);
  const append = serialAppender();

  async function ensureOwnDir(recipe: string): Promise<void> {
    const dir = ownDir(recipe);
    await refuseSymlink(join(stateDir, 'recipes'), 'a directory');
    await ensureDir(dir);
    await refuseSymlink(dir, 'a directory');
  }

  /** Only a write of a canonical creates `<recipe>/` in the registry, and never the registry itself when explicit. */
  async function ensureCanonicalDir(recipe: string): Promise<void> {
    const dir = canonicalDir(recipe);
    if (!explicit) await ensureDir(registryDir);
    try {
      await mkdir(dir);
    } catch (error) {
      if (isErrno(error, 'ENOENT') && explicit) throw registryDirMissing(registryDir, error);
      if (!isErrno(error, 'EEXIST')) throw fsError(error, dir, 'create directory');
    }
    await refuseSymlink(dir, 'a directory');
    await ensureDir(dir);
  }

  async function readCanonical(recipe: string): Promise<CanonicalView | null> {
    const path = canonicalPath(recipe);
    const text = await readTextOrNull(path);
    if (text !== null) return parseCanonicalText(text, path, recipe);
    // A registry that vanished after opening must not read as "no canonical anywhere".
    if (explicit) await checkRegistryDir(registryDir);
    return null;
  }

  async function readOwnText(recipe: string, name: string): Promise<string | null> {
    return (
      (await readTextOrNull(ownFile(recipe, name))) ??
      (await readTextOrNull(oldOwnFile(recipe, name)))
    );
  }

  async function appendOwnLine<T>(
    recipe: string,
    name: string,
    schema: z.ZodType<T>,
    what: string,
    record: T,
  ): Promise<void> {
    const path = ownFile(recipe, name);
    const valid = validateForWrite(schema, record, path, what);
    await ensureOwnDir(recipe);
    await append(path, JSON.stringify(valid));
  }

  async function readOwnLines<T>(
    recipe: string,
    name: string,
    schema: z.ZodType<T>,
    what: string,
  ): Promise<JsonlRead<T>> {
    const path = ownFile(recipe, name);
    const text = await readTextOrNull(path);
    return text === null ? { records: [], warnings: [] } : readJsonlText(text, path, schema, what);
  }

  const readVerdicts = (recipe: string) =>
    readOwnLines(recipe, 'verdicts.jsonl', verdictRecordSchema, 'verdict line');
  const readApprovals = (recipe: string) =>
    readOwnLines(recipe, 'approvals.jsonl', approvalRecordSchema, 'approval line');

  // Most recipes of a fleet have neither file: one failed listing is cheaper than two failed
  // opens. Any other listing error falls back to the reads, so the errors stay theirs.
  async function readDecisionRecords(recipe: string): Promise<DecisionRecords> {
    const none = () => ({ records: [], warnings: [] });
    let names: string[];
    try {
      names = await readdir(ownDir(recipe));
    } catch (error) {
      if (isErrno(error, 'ENOENT')) return { verdicts: none(), approvals: none() };
      names = ['verdicts.jsonl', 'approvals.jsonl'];
    }
    const [verdicts, approvals] = await Promise.all([
      names.includes('verdicts.jsonl') ? readVerdicts(recipe) : none(),
      names.includes('approvals.jsonl') ? readApprovals(recipe) : none(),
    ]);
    return { verdicts, approvals };
  }

  return {
    stateDir,
    registryDir,
    registryFormat,
    readCanonical,

    async writeCanonical(record) {
      const path = canonicalPath(record.recipe);
      const valid = validateForWrite(canonicalRecordSchema, record, path, 'canonical record');
      await refuseSymlink(path, 'a file');
      // An unreadable record is evidence; refusing here keeps it from being overwritten silently.
      await readCanonical(record.recipe);
      await ensureCanonicalDir(record.recipe);
      await writeFileAtomic(path, canonicalText(valid, registryFormat));
      // After canonical.json: a crash in between leaves last_good behind, which repairLastGood mends.
      if (registryFormat === 'ci-warm') {
        await writeFileAtomic(lastGoodPath(record.recipe), `${valid.version}\n`);
      }
    },

    async readLastGood(recipe) {
      return readTextOrNull(lastGoodPath(recipe));
    },

    async repairLastGood(recipe) {
      const found = await readTextOrNull(lastGoodPath(recipe));
      const canonical = await readCanonical(recipe);
      if (canonical === null) return { status: 'no-canonical', recipe, found };
      const { version } = canonical;
      if (found === `${version}\n`) return { status: 'ok', recipe, version };
      await writeFileAtomic(lastGoodPath(recipe), `${version}\n`);
      const was = found === null ? 'missing' : JSON.stringify(found);
      return {
        status: 'repaired',
        recipe,
        version,
        found,
        detail: `${lastGoodPath(recipe)} was ${was} while canonical.json holds ${version}; rewrote it to ${JSON.stringify(`${version}\n`)}`,
      };
    },

    async appendHistory(recipe, event) {
      const path = ownFile(recipe, 'history.jsonl');
      const valid = validateForWrite(historyEventSchema, event, path, 'history event');
      await ensureOwnDir(recipe);
      await append(path, JSON.stringify(valid));
    },

    async readHistory(recipe) {
      const events: HistoryEvent[] = [];
      const paths = new Set([
        oldOwnFile(recipe, 'history.jsonl'),
        ownFile(recipe, 'history.jsonl'),
      ]);
      for (const path of paths) {
        const text = await readTextOrNull(path);
        if (text !== null) events.push(...readHistoryText(text, path));
      }
      return events;
    },

    async writeAttempt(recipe, attempt) {
      const path = ownFile(recipe, 'attempt.json');
      const valid = validateForWrite(attemptRecordSchema, attempt, path, 'attempt record');
      if (valid.recipe !== recipe) {
        throw new RegistryError('INVALID_RECORD', {
          path,
          issues: [{ path: '$.recipe', message: `expected "${recipe}", got "${valid.recipe}"` }],
          detail: `Refusing to write the attempt of ${valid.recipe} into ${path}; nothing was written.`,
        });
      }
      await ensureOwnDir(recipe);
      await writeFileAtomic(path, JSON.stringify(valid, null, 2) + '\n');
    },

    async readAttempt(recipe) {
      let path = ownFile(recipe, 'attempt.json');
      let text = await readTextOrNull(path);
      if (text === null) {
        path = oldOwnFile(recipe, 'attempt.json');
        text = await readTextOrNull(path);
      }
      if (text === null) return null;
      const value = parseJson(text, path, 'attempt record');
      checkSchemaVersion(value, path, 'attempt record');
      return parseWith(attemptRecordSchema, value, path, 'attempt record');
    },

    appendVerdict: (recipe, verdict) =>
      appendOwnLine(recipe, 'verdicts.jsonl', verdictRecordSchema, 'verdict line', verdict),
    readVerdicts,
    appendApproval: (recipe, approval) =>
      appendOwnLine(recipe, 'approvals.jsonl', approvalRecordSchema, 'approval line', approval),
    readApprovals,
    readDecisionRecords,

    async recordVolumeBytes(recipe, bytes) {
      const path = ownFile(recipe, 'volume.json');
      const record = validateForWrite(
        volumeRecordSchema,
        { schema: 1, recipe, bytes, ts: new Date().toISOString() },
        path,
        'volume size record',
      );
      await ensureOwnDir(recipe);
      await writeFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
    },

    async diskUsage(budgetGiB) {
      let usedBytes = 0;
      const recipes = new Set([
        ...(await listRecipeDirs(join(stateDir, 'recipes'))),
        ...(await listRecipeDirs(registryDir)),
      ]);
      for (const recipe of recipes) {
        const path = ownFile(recipe, 'volume.json');
        const text = await readOwnText(recipe, 'volume.json');
        if (text === null) continue;
        const value = parseJson(text, path, 'volume size record');
        checkSchemaVersion(value, path, 'volume size record');
        usedBytes += parseWith(volumeRecordSchema, value, path, 'volume size record').bytes;
      }
      return { usedBytes, budgetBytes: budgetGiB === null ? null : Math.round(budgetGiB * GiB) };
    },
  };
}

function registryDirMissing(path: string, cause?: unknown): RegistryError {
  return new RegistryError(
    'REGISTRY_DIR_MISSING',
    {
      path,
      detail:
        `Expected the configured registryDir ${path} to exist, but it does not; canon never creates it, ` +
        'because a mistyped registryDir would make every recipe look unseeded. Fix registryDir or create the directory.',
    },
    cause === undefined ? undefined : { cause },
  );
}

function notADirectory(path: string): RegistryError {
  return new RegistryError('NOT_A_DIRECTORY', {
    path,
    detail: `Expected the configured registryDir ${path} to be a directory, but it is not; fix registryDir.`,
  });
}

function checkRegistryDirSync(path: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) throw registryDirMissing(path, error);
    throw fsError(error, path, 'inspect');
  }
  if (!isDir) throw notADirectory(path);
}

async function checkRegistryDir(path: string): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) throw registryDirMissing(path, error);
    throw fsError(error, path, 'inspect');
  }
  if (!isDir) throw notADirectory(path);
}

async function listRecipeDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory() && RECIPE_NAME.test(e.name)).map((e) => e.name);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return [];
    throw fsError(error, dir, 'list');
  }
}
