import { InvalidInputError } from './domain-errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';

const raw = (json: string) => Buffer.from(json, 'utf8').toString('base64url');

describe('decodeCursor', () => {
  it('should round-trip a sort key', () => {
    expect(decodeCursor(encodeCursor({ domain: 'b.example.com', id: 7 }), { domain: 'text', id: 'bigint' })).toEqual({
      domain: 'b.example.com',
      id: '7',
    });
  });

  it('should reject a cursor that lacks the expected fields', () => {
    expect(() => decodeCursor(encodeCursor({ id: 3 }), { domain: 'text' })).toThrow(InvalidInputError);
  });

  it('should reject garbage and valid base64 of JSON of another shape', () => {
    for (const cursor of ['%%%not-base64', '', raw('[1]'), raw('null'), raw('"x"'), raw('{"domain":{}}'), 'x'.repeat(5000)]) {
      expect(() => decodeCursor(cursor, { domain: 'text' })).toThrow(/cursor/);
    }
  });

  it('should reject numbers no column holds', () => {
    for (const id of [1e300, -1, 1.5, '99999999999999999999', '1e3', 2 ** 53]) {
      expect(() => decodeCursor(encodeCursor({ id }), { id: 'bigint' })).toThrow(InvalidInputError);
    }
    expect(() => decodeCursor(encodeCursor({ seq: 2 ** 31 }), { seq: 'int' })).toThrow(InvalidInputError);
    expect(decodeCursor(encodeCursor({ seq: 2 ** 31 - 1 }), { seq: 'int' })).toEqual({ seq: String(2 ** 31 - 1) });
  });

  it('should reject text with a NUL character', () => {
    expect(() => decodeCursor(encodeCursor({ domain: 'a\u0000b' }), { domain: 'text' })).toThrow(InvalidInputError);
  });
});
