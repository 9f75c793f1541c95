import { RegistryError } from '../errors.js';
import {
  canonicalRecordSchema,
  ciWarmCanonicalSchema,
  ciWarmOf,
  legacyCanonicalSchema,
  viewOfCanonical,
  viewOfCiWarm,
  viewOfLegacy,
  type CanonicalRecord,
  type CanonicalView,
  type RegistryFormat,
} from '../records/canonical.js';
import { checkSchemaVersion, parseJson, parseWith } from './parse-record.js';

const what = 'canonical record';

/**
 * Reads `canonical.json` in whichever shape it holds (canon's, ci-warm's with `canon: {...}`,
 * or a legacy one without canon's fields), whatever format the registry writes.
 */
export function parseCanonicalText(text: string, path: string, recipe: string): CanonicalView {
  const value = parseJson(text, path, what);
  checkSchemaVersion(value, path, what);
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  let view: CanonicalView;
  if (isObject && 'schema' in value) {
    view = viewOfCanonical(parseWith(canonicalRecordSchema, value, path, what));
  } else if (isObject && 'canon' in value) {
    checkSchemaVersion((value as { canon: unknown }).canon, path, `${what} (ci-warm format)`);
    view = viewOfCiWarm(parseWith(ciWarmCanonicalSchema, value, path, `${what} (ci-warm format)`));
  } else {
    view = viewOfLegacy(parseWith(legacyCanonicalSchema, value, path, `${what} (legacy shape)`));
  }
  if (view.recipe !== recipe) {
    throw new RegistryError('CORRUPT_RECORD', {
      path,
      issues: [{ path: '$.recipe', message: `expected "${recipe}", found "${view.recipe}"` }],
      detail: `Expected ${path} to be the record of ${recipe}, but it names ${view.recipe}; the file was left untouched: move it to the right recipe.`,
    });
  }
  return view;
}

export function canonicalText(record: CanonicalRecord, format: RegistryFormat): string {
  const shaped = format === 'ci-warm' ? ciWarmOf(record) : record;
  return JSON.stringify(shaped, null, 2) + '\n';
}
