import { z } from 'zod';

/** `approve` lets a held major run, `recheck` buys a known failure one more try, `adopt` takes a version as canonical. */
export const APPROVAL_KINDS = ['approve', 'recheck', 'adopt'] as const;

export type ApprovalKind = (typeof APPROVAL_KINDS)[number];

export const approvalRecordSchema = z
  .looseObject({
    schema: z.literal(1),
    ts: z.iso.datetime(),
    kind: z.enum(APPROVAL_KINDS),
    version: z.string().min(1),
    commit: z.string().min(1).optional(),
    who: z.string().min(1),
    reason: z.string().min(1),
    expires: z.iso.date().or(z.iso.datetime()).optional(),
  })
  .meta({
    title: 'canon approvals.jsonl line',
    description:
      'One line of recipes/<recipe>/approvals.jsonl: an approval of a held major, a recheck or an adoption (who, why, when, expiry).',
  });

export type ApprovalRecord = z.infer<typeof approvalRecordSchema>;
