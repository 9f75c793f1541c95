import { z } from 'zod';
import { outcomeSchema } from './outcome.js';

export const attemptRecordSchema = z
  .object({
    schema: z.literal(1),
    recipe: z.string().min(1),
    runId: z.string().min(1),
    ts: z.iso.datetime(),
    version: z.string().min(1),
    tag: z.string().min(1),
    commit: z.string().min(1),
    outcome: outcomeSchema,
    detail: z.string(),
  })
  .meta({
    title: 'canon attempt.json',
    description: 'The last version canon tested for a recipe, and how it ended.',
  });

export type AttemptRecord = z.infer<typeof attemptRecordSchema>;
