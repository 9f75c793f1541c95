import { describe, expect, it } from 'vitest';
import { maskText, StreamMasker } from './secret-mask.js';

const secrets = ['tok-4f1c9a7e2b', 'tok-4f1c9a7e2b-long', 'pässwörd-8'];

function through(chunks: string[]): string {
  const m = new StreamMasker(secrets);
  const out = chunks.map((c) => m.push(Buffer.from(c, 'utf8')));
  return Buffer.concat([...out, m.flush()]).toString('utf8');
}

describe('StreamMasker', () => {
  const text = 'a tok-4f1c9a7e2b b tok-4f1c9a7e2b-long c pässwörd-8\nd tok-4f1c9a7e2 e';
  const bytes = Buffer.from(text, 'utf8');
  const expected = 'a *** b *** c ***\nd tok-4f1c9a7e2 e';

  it('masks every secret wherever the stream is split, byte for byte', () => {
    for (let a = 0; a <= bytes.length; a++) {
      for (const b of [a, Math.min(bytes.length, a + 3), bytes.length]) {
        const m = new StreamMasker(secrets);
        const parts = [bytes.subarray(0, a), bytes.subarray(a, b), bytes.subarray(b)].map((p) => m.push(p));
        expect(Buffer.concat([...parts, m.flush()]).toString('utf8'), `split at ${a}/${b}`).toBe(expected);
      }
    }
  });

  it('passes output through at once unless it ends like the start of a secret', () => {
    const m = new StreamMasker(secrets);
    expect(m.push(Buffer.from('line one\n')).toString()).toBe('line one\n');
    expect(m.push(Buffer.from('then tok-4f')).toString()).toBe('then ');
    expect(m.push(Buffer.from('1c9a7e2b!')).toString()).toBe('***!');
    expect(m.flush().toString()).toBe('');
  });

  it('leaves bytes alone when there is no secret, even invalid UTF-8', () => {
    const raw = Buffer.from([0xff, 0xfe, 0x00, 0x41]);
    expect(new StreamMasker([]).push(raw)).toEqual(raw);
    expect(through(['\u00ff plain'])).toBe('\u00ff plain');
  });

  it('maskText masks longer secrets first', () => {
    expect(maskText('x tok-4f1c9a7e2b-long y', secrets)).toBe('x *** y');
  });
});
