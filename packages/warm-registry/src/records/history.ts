import { z } from 'zod';

/** Event types canon writes; readers accept any kebab-case type so older and newer canons coexist. */
export const HISTORY_EVENT_TYPES = [
  'promoted',
  'advance-failed',
  'seed-failed',
  'seed-refused',
  'rolled-back',
  'rollback-failed',
  'park-failed',
  'waived',
  'rechecked',
] as const;

export type KnownHistoryEventType = (typeof HISTORY_EVENT_TYPES)[number];

const ref = z.object({ version: z.string().min(1), commit: z.string().min(1) });

export const historyEventSchema = z
  .looseObject({
    type: z.string().regex(/^[a-z][a-z0-9-]*$/, 'a kebab-case event type'),
    ts: z.iso.datetime(),
    runId: z.string().min(1).nullable(),
    version: z.string().min(1).nullable(),
    commit: z.string().min(1).nullable(),
    previous: ref.nullable().optional(),
    domain: z.string().min(1).nullable().optional(),
    detail: z.string().optional(),
  })
  .meta({
    title: 'canon history.jsonl event',
    description: `One line of registry/<recipe>/history.jsonl. Known types: ${HISTORY_EVENT_TYPES.join(', ')}.`,
  });

export type HistoryEvent = z.infer<typeof historyEventSchema>;
