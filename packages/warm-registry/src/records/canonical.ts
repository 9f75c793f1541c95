import { RECIPE_NAME, RECIPE_NAME_SHAPE } from '@canon/trigger';
import { z } from 'zod';

const commit = z
  .string()
  .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'a full lower-case git object id');
const recipe = z.string().regex(RECIPE_NAME, `a recipe name (${RECIPE_NAME_SHAPE})`);
const text = z.string().min(1);

export const canonicalRecordSchema = z
  .object({
    schema: z.literal(1),
    recipe,
    version: text,
    tag: text,
    commit,
    status: z.literal('canonical'),
    ts: z.iso.datetime(),
    domain: z.string().min(1).nullable(),
    runId: text,
    previous: z.object({ version: text, commit }).nullable(),
  })
  .meta({ title: 'canon canonical.json', description: 'The known-good release of one recipe.' });

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>;

/** The shape ci-warm wrote before canon: read as-is, never rewritten behind the operator's back. */
export const legacyCanonicalSchema = z.object({
  recipe,
  version: text,
  commit: text,
  status: text,
  ts: z.union([z.string().regex(/^\d{8}T\d{6}Z$/), z.iso.datetime({ offset: true })]),
  domain: z.string().min(1).nullable().optional(),
});

export type LegacyCanonicalRecord = z.infer<typeof legacyCanonicalSchema>;

export type CanonicalView = {
  recipe: string;
  version: string;
  tag: string;
  commit: string;
  status: string;
  /** ISO-8601 UTC, also for legacy records (whose compact `20260617T050314Z` is converted). */
  ts: string;
  domain: string | null;
  runId: string | null;
  previous: { version: string; commit: string } | null;
  /** true when the file is in the pre-canon `{recipe, version, commit, status, ts}` shape. */
  legacy: boolean;
};

export function viewOfCanonical(record: CanonicalRecord): CanonicalView {
  const { schema: _schema, ...fields } = record;
  return { ...fields, legacy: false };
}

export function viewOfLegacy(record: LegacyCanonicalRecord): CanonicalView {
  return {
    recipe: record.recipe,
    version: record.version,
    tag: record.version,
    commit: record.commit,
    status: record.status,
    ts: isoOfLegacyTs(record.ts),
    domain: record.domain ?? null,
    runId: null,
    previous: null,
    legacy: true,
  };
}

function isoOfLegacyTs(ts: string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(ts);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    return `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  }
  return new Date(ts).toISOString();
}
