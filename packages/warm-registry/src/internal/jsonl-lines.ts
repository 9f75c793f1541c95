import type { z } from 'zod';
import { RegistryError } from '../errors.js';
import { historyEventSchema, type HistoryEvent } from '../records/history.js';
import { checkSchemaVersion, zodIssues } from './parse-record.js';

/** A line a crash cut short: skipped, never an error, and said. */
export type JsonlWarning = { code: 'TORN_LINE'; path: string; line: number; message: string };

export type JsonlRead<T> = { records: T[]; warnings: JsonlWarning[] };

type Issue = { path: string; message: string };

/**
 * How one kind of `.jsonl` file reads. `fragments: 'warn'` skips a line that is not JSON with
 * a warning; `'corrupt'` counts it among the bad lines. `schemaVersion` rejects a record from a
 * newer canon before its fields are read.
 */
type JsonlRules = { what: string; fragments: 'warn' | 'corrupt'; schemaVersion: boolean };

/**
 * The one line reader behind every `.jsonl` file: every bad line is gathered, and any makes
 * the whole file a typed error listing them, since skipping one could hide a real record.
 */
function readLines<T>(
  lines: string[],
  path: string,
  schema: z.ZodType<T>,
  rules: JsonlRules,
): JsonlRead<T> {
  const records: T[] = [];
  const warnings: JsonlWarning[] = [];
  const issues: Issue[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const reason = (error as Error).message;
      if (rules.fragments === 'corrupt')
        issues.push({ path: `line ${index + 1}`, message: reason });
      else
        warnings.push({
          code: 'TORN_LINE',
          path,
          line: index + 1,
          message: `Ignored line ${index + 1} of ${path}: expected a JSON ${rules.what}, found a fragment (${reason}), as a crash mid-append leaves.`,
        });
      return;
    }
    if (rules.schemaVersion) checkSchemaVersion(value, path, rules.what);
    const result = schema.safeParse(value);
    if (result.success) records.push(result.data);
    else
      issues.push(
        ...zodIssues(result.error).map((i) => ({
          path: `line ${index + 1} ${i.path}`,
          message: i.message,
        })),
      );
  });
  if (issues.length > 0) {
    throw new RegistryError('CORRUPT_RECORD', {
      path,
      issues,
      detail:
        `Expected every line of ${path} to be a ${rules.what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}; ` +
        'the file was left untouched: repair or remove those lines.',
    });
  }
  return { records, warnings };
}

/**
 * Parses an append-only `.jsonl` file of versioned records (verdicts, approvals). A line that
 * is not JSON is a fragment of an append a crash cut short (at the end, or followed by a later
 * append, which starts on its own line): it is skipped with a warning.
 */
export function readJsonlText<T>(
  text: string,
  path: string,
  schema: z.ZodType<T>,
  what: string,
): JsonlRead<T> {
  return readLines(text.split('\n'), path, schema, {
    what,
    fragments: 'warn',
    schemaVersion: true,
  });
}

/**
 * Parses history.jsonl. A final line without its newline is a write a crash cut short and is
 * not an event; any other line that is not JSON is a bad line.
 */
export function readHistoryText(text: string, path: string): HistoryEvent[] {
  const lines = text.split('\n');
  lines.pop();
  return readLines(lines, path, historyEventSchema, {
    what: 'history event',
    fragments: 'corrupt',
    schemaVersion: false,
  }).records;
}
