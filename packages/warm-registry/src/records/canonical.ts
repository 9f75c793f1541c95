import { RECIPE_NAME, RECIPE_NAME_SHAPE } from '@canon/trigger';
import { z } from 'zod';

const commit = z
  .string()
  .regex(/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/, 'a full lower-case git object id');
const recipe = z.string().regex(RECIPE_NAME, `a recipe name (${RECIPE_NAME_SHAPE})`);
const text = z.string().min(1);
const compactTs = z.string().regex(/^\d{8}T\d{6}Z$/, 'a UTC time like 20260617T050314Z');
const previous = z.object({ version: text, commit }).nullable();

/** How `canonical.json` is written: canon's own record, or cc-ci's ci-warm keys plus `canon: {...}`. */
export type RegistryFormat = 'canon' | 'ci-warm';
export const REGISTRY_FORMATS = ['canon', 'ci-warm'] as const satisfies readonly RegistryFormat[];

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
    previous,
  })
  .meta({ title: 'canon canonical.json', description: 'The known-good release of one recipe.' });

export type CanonicalRecord = z.infer<typeof canonicalRecordSchema>;

/**
 * `registryFormat: "ci-warm"`: cc-ci's keys and value formats, which its Python runner reads,
 * with canon's own fields under the one key cc-ci does not know.
 */
export const ciWarmCanonicalSchema = z
  .object({
    recipe,
    domain: z.string().min(1).optional(),
    version: text,
    commit,
    status: z.literal('idle'),
    ts: compactTs,
    canon: z.object({ schema: z.literal(1), tag: text, runId: text, previous }),
  })
  .meta({
    title: 'canon canonical.json (ci-warm format)',
    description:
      "The known-good release of one recipe in cc-ci's /var/lib/ci-warm shape; canon's fields live under `canon`.",
  });

export type CiWarmCanonicalRecord = z.infer<typeof ciWarmCanonicalSchema>;

/** The shape ci-warm wrote before canon: read as-is, never rewritten behind the operator's back. */
export const legacyCanonicalSchema = z.object({
  recipe,
  version: text,
  commit: text,
  status: text,
  ts: z.union([compactTs, z.iso.datetime({ offset: true })]),
  domain: z.string().min(1).nullable().optional(),
});

export type LegacyCanonicalRecord = z.infer<typeof legacyCanonicalSchema>;

export type CanonicalView = {
  recipe: string;
  version: string;
  tag: string;
  commit: string;
  status: string;
  /** ISO-8601 UTC, also for ci-warm records (whose compact `20260617T050314Z` is converted). */
  ts: string;
  domain: string | null;
  runId: string | null;
  previous: { version: string; commit: string } | null;
  /** true when the file is in the pre-canon `{recipe, version, commit, status, ts}` shape (no canon fields). */
  legacy: boolean;
};

export function viewOfCanonical(record: CanonicalRecord): CanonicalView {
  const { schema: _schema, ...fields } = record;
  return { ...fields, legacy: false };
}

export function viewOfCiWarm(record: CiWarmCanonicalRecord): CanonicalView {
  return {
    recipe: record.recipe,
    version: record.version,
    tag: record.canon.tag,
    commit: record.commit,
    status: record.status,
    ts: isoOfLegacyTs(record.ts),
    domain: record.domain ?? null,
    runId: record.canon.runId,
    previous: record.canon.previous,
    legacy: false,
  };
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

/** canon's record in the ci-warm format; cc-ci parses `ts` with `strptime('%Y%m%dT%H%M%SZ')`. */
export function ciWarmOf(record: CanonicalRecord): CiWarmCanonicalRecord {
  return {
    recipe: record.recipe,
    ...(record.domain === null ? {} : { domain: record.domain }),
    version: record.version,
    commit: record.commit,
    status: 'idle',
    ts: compactOfIso(record.ts),
    canon: { schema: 1, tag: record.tag, runId: record.runId, previous: record.previous },
  };
}

function compactOfIso(ts: string): string {
  return new Date(ts)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

function isoOfLegacyTs(ts: string): string {
  const compact = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(ts);
  if (compact) {
    const [, y, mo, d, h, mi, s] = compact;
    return `${y}-${mo}-${d}T${h}:${mi}:${s}Z`;
  }
  return new Date(ts).toISOString();
}
