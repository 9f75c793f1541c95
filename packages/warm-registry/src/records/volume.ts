import { z } from 'zod';

/** The warm volumes' size of one recipe, as the configured `promote.volumeSize` command printed it. */
export const volumeRecordSchema = z.object({
  schema: z.literal(1),
  recipe: z.string().min(1),
  bytes: z.number().int().nonnegative(),
  ts: z.iso.datetime(),
});
