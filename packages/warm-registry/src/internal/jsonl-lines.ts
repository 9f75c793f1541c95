import type { z } from 'zod';
import { RegistryError } from '../errors.js';
import { checkSchemaVersion, zodIssues } from './parse-record.js';

/** A line a crash cut short: skipped, never an error, and said. */
export type JsonlWarning = { code: 'TORN_LINE'; path: string; line: number; message: string };

export type JsonlRead<T> = { records: T[]; warnings: JsonlWarning[] };

/**
 * Parses an append-only `.jsonl` file. A line that is not JSON is a fragment of an append a
 * crash cut short (at the end, or followed by a later append, which starts on its own line):
 * it is skipped with a warning. A JSON line that is not a valid record makes the whole file
 * a typed error listing every such line, since skipping it could hide a real verdict.
 */
export function readJsonlText<T>(
  text: string,
  path: string,
  schema: z.ZodType<T>,
  what: string,
): JsonlRead<T> {
  const records: T[] = [];
  const warnings: JsonlWarning[] = [];
  const issues: { path: string; message: string }[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      warnings.push({
        code: 'TORN_LINE',
        path,
        line: index + 1,
        message: `Ignored line ${index + 1} of ${path}: expected a JSON ${what}, found a fragment (${(error as Error).message}), as a crash mid-append leaves.`,
      });
      return;
    }
    checkSchemaVersion(value, path, what);
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
        `Expected every line of ${path} to be a ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}; ` +
        'the file was left untouched: repair or remove those lines.',
    });
  }
  return { records, warnings };
}
