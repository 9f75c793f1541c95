import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/** The signatures a delivery claims, as raw digests; a malformed one is kept as null (it must fail). */
function claimedSignatures(headers: IncomingHttpHeaders): (Buffer | null)[] {
  const claims: (Buffer | null)[] = [];
  const hex = (value: string): Buffer | null => (HEX_SHA256.test(value) ? Buffer.from(value, 'hex') : null);
  for (const name of ['x-gitea-signature', 'x-forgejo-signature'] as const) {
    const value = headers[name];
    if (value !== undefined) claims.push(typeof value === 'string' ? hex(value.trim()) : null);
  }
  const hub = headers['x-hub-signature-256'];
  if (hub !== undefined) {
    const value = typeof hub === 'string' ? hub.trim() : '';
    claims.push(value.startsWith('sha256=') ? hex(value.slice('sha256='.length)) : null);
  }
  return claims;
}

/**
 * True iff the delivery carries at least one signature header and every one it carries is
 * the HMAC-SHA256 of the raw body under `secret`, compared in constant time. Nothing of the
 * body is parsed before this says yes.
 */
export function verifySignature(headers: IncomingHttpHeaders, body: Buffer, secret: string): boolean {
  const claims = claimedSignatures(headers);
  if (claims.length === 0) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  let ok = true;
  for (const claim of claims) {
    // Both sides are 32 bytes whenever claim is non-null: timingSafeEqual needs equal lengths.
    ok = claim !== null && timingSafeEqual(claim, expected) && ok;
  }
  return ok;
}

/** The hex signature Gitea/Forgejo send for `body` (what tests and the testkit sign with). */
export function signBody(body: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(body).digest('hex');
}
