import type { Registry } from '@canon/warm-registry';

/** What every masked secret becomes, as in mirror-sync's redactText and the forge token's toJSON. */
export const MASK = '***';

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Replaces every occurrence of each secret in a byte stream. Bytes are handled as latin1
 * strings (one char per byte) so output is byte-exact. A chunk that ends in what could be the
 * start of a secret keeps that tail back until more bytes arrive or the stream ends, so a
 * secret split across two chunks is still found; anything else passes through at once.
 */
export class StreamMasker {
  private readonly secrets: string[];
  private readonly pattern: RegExp | null;
  private carry = '';

  constructor(secrets: readonly string[]) {
    this.secrets = [...new Set(secrets.filter((s) => s !== ''))]
      .map((s) => Buffer.from(s, 'utf8').toString('latin1'))
      .sort((a, b) => b.length - a.length);
    this.pattern = this.secrets.length === 0 ? null : new RegExp(this.secrets.map(escapeRegExp).join('|'), 'g');
  }

  push(chunk: Buffer): Buffer {
    if (this.pattern === null) return chunk;
    const { out, rest } = this.mask(this.carry + chunk.toString('latin1'), false);
    this.carry = rest;
    return Buffer.from(out, 'latin1');
  }

  /** Whatever was held back, masked; the stream is over. */
  flush(): Buffer {
    const { out } = this.mask(this.carry, true);
    this.carry = '';
    return Buffer.from(out, 'latin1');
  }

  private mask(data: string, final: boolean): { out: string; rest: string } {
    if (this.pattern === null) return { out: data, rest: '' };
    let out = '';
    let pos = 0;
    for (const m of data.matchAll(this.pattern)) {
      // A longer secret that starts the same way may still be arriving: decide when it has.
      if (!final && this.couldGrow(data.slice(m.index), m[0].length)) break;
      out += data.slice(pos, m.index) + MASK;
      pos = m.index + m[0].length;
    }
    const held = final ? 0 : this.partialSecretAtEnd(data, pos);
    return { out: out + data.slice(pos, data.length - held), rest: data.slice(data.length - held) };
  }

  private couldGrow(tail: string, matched: number): boolean {
    return this.secrets.some((s) => s.length > matched && s.length > tail.length && s.startsWith(tail));
  }

  /** Length of the longest end of data[from..] that is the beginning of some secret. */
  private partialSecretAtEnd(data: string, from: number): number {
    const longest = Math.min((this.secrets[0]?.length ?? 1) - 1, data.length - from);
    for (let k = longest; k > 0; k--) {
      const end = data.slice(data.length - k);
      if (this.secrets.some((s) => s.startsWith(end))) return k;
    }
    return 0;
  }
}

/** Masks every secret in a finished text (messages, report fields). */
export function maskText(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) {
    if (secret !== '') out = out.split(secret).join(MASK);
  }
  return out;
}

/** A copy of a JSON-shaped value with every secret masked in every string (records, events). */
export function maskDeep<T>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return maskText(v, secrets);
    if (Array.isArray(v)) return v.map(walk);
    if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}

/**
 * The registry with every record canon writes through it masked (canonical, history, attempt,
 * verdicts.jsonl, approvals.jsonl). masking-registry.test.ts fails when a writer is added here
 * without a mask.
 */
export function maskingRegistry(registry: Registry, secrets: readonly string[]): Registry {
  if (secrets.length === 0) return registry;
  // Only the writers change; every other method is the registry's own.
  return {
    ...registry,
    writeCanonical: (record) => registry.writeCanonical(maskDeep(record, secrets)),
    appendHistory: (recipe, event) => registry.appendHistory(recipe, maskDeep(event, secrets)),
    writeAttempt: (recipe, attempt) => registry.writeAttempt(recipe, maskDeep(attempt, secrets)),
    appendVerdict: (recipe, verdict) => registry.appendVerdict(recipe, maskDeep(verdict, secrets)),
    appendApproval: (recipe, approval) => registry.appendApproval(recipe, maskDeep(approval, secrets)),
  };
}
