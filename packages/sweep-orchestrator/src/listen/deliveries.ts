import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { z } from 'zod';
import { createSerial } from './serial.js';
import { readStateFile, writeStateFile } from './state-file.js';

const fileSchema = z.object({
  schema: z.literal(1),
  seen: z.array(z.object({ key: z.string(), at: z.string() })),
});

/** How many deliveries are remembered, and for how long: Gitea's own redelivery happens within minutes. */
export const DELIVERY_MEMORY = { count: 1000, days: 7 } as const;

export type DeliveryLog = {
  readonly path: string;
  /** True when the delivery's id or its exact body was recorded before (a replay). */
  seen(id: string | null, body: Buffer): boolean;
  /** Remembers the delivery (after its recipes are pending: a failed write must not swallow it). */
  record(id: string | null, body: Buffer, now?: Date): Promise<void>;
};

function keysOf(id: string | null, body: Buffer): string[] {
  return [`body:${createHash('sha256').update(body).digest('hex')}`, ...(id === null ? [] : [`id:${id}`])];
}

/**
 * `<stateDir>/listen/deliveries.json`. Nothing signs a timestamp and the signature covers only
 * the body, so a replay can come with a fresh delivery id: the body's digest is remembered too.
 */
export async function openDeliveryLog(stateDir: string): Promise<DeliveryLog> {
  const path = join(stateDir, 'listen', 'deliveries.json');
  const seen = (await readStateFile(path, fileSchema))?.seen ?? [];
  const serial = createSerial();
  const known = new Set(seen.map((s) => s.key));
  return {
    path,
    seen: (id, body) => keysOf(id, body).some((k) => known.has(k)),
    record: (id, body, now = new Date()) =>
      serial(async () => {
        const keys = keysOf(id, body);
        const oldest = now.getTime() - DELIVERY_MEMORY.days * 86_400_000;
        const kept = seen.filter((s) => Date.parse(s.at) >= oldest);
        kept.push(...keys.map((key) => ({ key, at: now.toISOString() })));
        const next = kept.slice(-DELIVERY_MEMORY.count);
        await writeStateFile(path, { schema: 1, seen: next });
        seen.splice(0, seen.length, ...next);
        known.clear();
        for (const s of next) known.add(s.key);
      }),
  };
}
