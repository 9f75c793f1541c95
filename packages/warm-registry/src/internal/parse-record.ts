import type { z } from 'zod';
import { RegistryError } from '../errors.js';

export function zodIssues(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((issue) => ({
    path:
      '$' +
      issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join(''),
    message: issue.message,
  }));
}

function formatIssues(issues: { path: string; message: string }[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}

/** Parses JSON text; an unreadable record is a typed error naming the file, never a silent default. */
export function parseJson(text: string, path: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new RegistryError(
      'CORRUPT_RECORD',
      {
        path,
        issues: [{ path: '$', message: (error as Error).message }],
        detail:
          `Expected ${path} to hold a JSON ${what}, but it does not parse (${(error as Error).message}); ` +
          'the file was left untouched: repair or remove it.',
      },
      { cause: error },
    );
  }
}

/** Rejects records written by a newer canon before trying to read their fields. */
export function checkSchemaVersion(value: unknown, path: string, what: string): void {
  if (
    value &&
    typeof value === 'object' &&
    'schema' in value &&
    (value as { schema: unknown }).schema !== 1
  ) {
    const found = (value as { schema: unknown }).schema;
    throw new RegistryError('UNKNOWN_SCHEMA', {
      path,
      schema: found,
      detail:
        `Expected ${path} to be a ${what} with schema 1, found schema ${JSON.stringify(found)}; ` +
        'it was probably written by a newer canon: upgrade canon, the file was left untouched.',
    });
  }
}

export function parseWith<T>(schema: z.ZodType<T>, value: unknown, path: string, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error);
  throw new RegistryError(
    'CORRUPT_RECORD',
    {
      path,
      issues,
      detail: `Expected ${path} to be a valid ${what}: ${formatIssues(issues)}; the file was left untouched: repair or remove it.`,
    },
    { cause: result.error },
  );
}

/** Validates a record before it is written, reporting every problem at once. */
export function validateForWrite<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: string,
  what: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = zodIssues(result.error);
  throw new RegistryError(
    'INVALID_RECORD',
    {
      path,
      issues,
      detail: `Refusing to write an invalid ${what} to ${path}: ${formatIssues(issues)}; nothing was written.`,
    },
    { cause: result.error },
  );
}
