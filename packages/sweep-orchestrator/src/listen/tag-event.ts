import type { IncomingHttpHeaders } from 'node:http';
import { z } from 'zod';

// Only what canon reads; everything else in Gitea's payload is allowed and ignored. The sha is
// deliberately not read: the sweep re-lists upstream's refs (SPEC "Event-driven sweeps").
const payloadSchema = z.looseObject({
  ref: z.string().min(1),
  ref_type: z.string().optional(),
  repository: z.looseObject({
    clone_url: z.string().optional(),
    html_url: z.string().optional(),
    full_name: z.string().optional(),
  }),
});

export type DeliveryVerdict =
  | { kind: 'tag'; event: 'create' | 'push'; tag: string; repositoryUrls: string[] }
  | { kind: 'ignored'; why: string }
  | { kind: 'invalid'; why: string };

function header(headers: IncomingHttpHeaders, names: readonly string[]): string | null {
  for (const name of names) {
    const value = headers[name];
    if (typeof value === 'string' && value !== '') return value;
  }
  return null;
}

export const EVENT_HEADERS = ['x-gitea-event', 'x-forgejo-event', 'x-github-event'] as const;
export const DELIVERY_HEADERS = ['x-gitea-delivery', 'x-forgejo-delivery', 'x-github-delivery'] as const;

export function deliveryIdOf(headers: IncomingHttpHeaders): string | null {
  const id = header(headers, DELIVERY_HEADERS);
  return id !== null && id.length <= 200 ? id : null;
}

/** Reads a verified delivery: a tag event with its repository URLs, an event canon ignores, or garbage. */
export function readTagEvent(headers: IncomingHttpHeaders, body: Buffer): DeliveryVerdict {
  const event = header(headers, EVENT_HEADERS);
  if (event !== 'create' && event !== 'push') return { kind: 'ignored', why: `event ${JSON.stringify(event ?? 'none')} is not a tag event` };
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return { kind: 'invalid', why: 'the body is not JSON' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) return { kind: 'invalid', why: `not a ${event} payload: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` };
  const { ref, ref_type: refType, repository } = parsed.data;
  let tag: string | null = null;
  if (event === 'create' && refType === 'tag') tag = ref;
  if (event === 'push' && ref.startsWith('refs/tags/') && ref.length > 'refs/tags/'.length) tag = ref.slice('refs/tags/'.length);
  if (tag === null) return { kind: 'ignored', why: `${event} of ${JSON.stringify(ref)} is not a tag` };
  const repositoryUrls = [repository.clone_url, repository.html_url].filter((u): u is string => u !== undefined && u !== '');
  return { kind: 'tag', event, tag, repositoryUrls };
}
