import { z } from 'zod';
import { canonicalRecordSchema, ciWarmCanonicalSchema } from './records/canonical.js';
import { historyEventSchema } from './records/history.js';
import { runRecordSchema } from './records/run.js';
import { approvalRecordSchema } from './records/approval.js';
import { verdictRecordSchema } from './records/verdict.js';

const base = 'https://canon.invalid/schemas/warm-registry';

/** The record schemas as JSON Schema (draft 2020-12), keyed by the file name under `schemas/`. */
export function registryJsonSchemas(): Record<string, object> {
  const entries: [string, z.ZodType][] = [
    ['canonical.schema.json', canonicalRecordSchema],
    ['canonical-ci-warm.schema.json', ciWarmCanonicalSchema],
    ['run.schema.json', runRecordSchema],
    ['history-event.schema.json', historyEventSchema],
    ['verdict.schema.json', verdictRecordSchema],
    ['approval.schema.json', approvalRecordSchema],
  ];
  return Object.fromEntries(
    entries.map(([file, schema]) => [
      file,
      { ...z.toJSONSchema(schema, { io: 'input' }), $id: `${base}/${file}` },
    ]),
  );
}
