import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { brandOf, CANON_ERROR, CanonError, messageFor, type MessageTable } from './canon-error.js';

class ParcelError extends CanonError<'LOST' | 'LATE', { parcel: string }> {
  static override readonly brand = 'ParcelError';
  static override readonly codes = ['LOST', 'LATE'] as const;
  constructor(code: 'LOST' | 'LATE', data: { parcel: string }, options?: { cause?: unknown }) {
    super(code, data, options, `parcel ${data.parcel} is ${code === 'LOST' ? 'lost' : 'late'}; ask the depot`);
  }
}

class OtherError extends CanonError<'OTHER', Record<string, never>> {
  static override readonly brand = 'OtherError';
  constructor() {
    super('OTHER', {}, undefined, 'other');
  }
}

describe('CanonError', () => {
  it('takes (code, data, {cause}) and builds its name and message from them', () => {
    const cause = new Error('truck broke down');
    const error = new ParcelError('LATE', { parcel: 'p-1' }, { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('ParcelError');
    expect(error.message).toBe('parcel p-1 is late; ask the depot');
    expect(error.code).toBe('LATE');
    expect(error.data).toEqual({ parcel: 'p-1' });
    expect(error.cause).toBe(cause);
  });

  it('serialises to JSON with its cause, nesting canon causes whole', () => {
    const inner = new ParcelError('LOST', { parcel: 'p-0' });
    const outer = new ParcelError('LATE', { parcel: 'p-1' }, { cause: inner });
    expect(JSON.parse(JSON.stringify(outer))).toEqual({
      name: 'ParcelError', code: 'LATE', message: 'parcel p-1 is late; ask the depot', data: { parcel: 'p-1' },
      cause: { name: 'ParcelError', code: 'LOST', message: 'parcel p-0 is lost; ask the depot', data: { parcel: 'p-0' } },
    });
    expect(new ParcelError('LOST', { parcel: 'x' }, { cause: new TypeError('t') }).toJSON().cause).toEqual({ name: 'TypeError', message: 't' });
    expect(new ParcelError('LOST', { parcel: 'x' }, { cause: 42 }).toJSON().cause).toBe('42');
    expect('cause' in new ParcelError('LOST', { parcel: 'x' }).toJSON()).toBe(false);
  });

  it('is() tells classes apart by brand, without instanceof', () => {
    const parcel = new ParcelError('LOST', { parcel: 'x' });
    expect(ParcelError.is(parcel)).toBe(true);
    expect(OtherError.is(parcel)).toBe(false);
    expect(CanonError.is(parcel)).toBe(true);
    expect(CanonError.is(new OtherError())).toBe(true);
    expect(CanonError.is(new Error('plain'))).toBe(false);
    expect(CanonError.is(null)).toBe(false);
    expect(CanonError.is('ParcelError')).toBe(false);
    expect(parcel[CANON_ERROR]).toBe('ParcelError');
  });

  it('recognises an error branded in another realm', () => {
    const foreign: unknown = runInNewContext(
      "const e = new Error('from a vm'); e[Symbol.for('canon.error')] = 'ParcelError'; e",
    );
    expect(foreign instanceof Error).toBe(false);
    expect(ParcelError.is(foreign)).toBe(true);
    expect(OtherError.is(foreign)).toBe(false);
    expect(brandOf(foreign)).toBe('ParcelError');
  });

  it('messageFor picks the message of the code, typed by that code, with the cause', () => {
    type Data = { LOST: { parcel: string }; LATE: { days: number } };
    const table: MessageTable<Data> = {
      LOST: ({ parcel }) => `parcel ${parcel} is lost`,
      LATE: ({ days }, cause) => `${days} days late: ${String(cause)}`,
    };
    expect(messageFor(table, 'LOST', { parcel: 'p-9' }, undefined)).toBe('parcel p-9 is lost');
    expect(messageFor(table, 'LATE', { days: 3 }, { cause: 'snow' })).toBe('3 days late: snow');
  });
});
