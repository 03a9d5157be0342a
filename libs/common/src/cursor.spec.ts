import { InvalidInputError } from './domain-errors.js';
import { decodeCursor, encodeCursor } from './cursor.js';

describe('cursor', () => {
  it('should round-trip a sort key', () => {
    expect(decodeCursor(encodeCursor({ domain: 'b.example.com' }), ['domain'])).toEqual({ domain: 'b.example.com' });
  });

  it('should reject a cursor that lacks the expected fields', () => {
    expect(() => decodeCursor(encodeCursor({ id: 3 }), ['domain'])).toThrow(InvalidInputError);
  });

  it('should reject garbage', () => {
    expect(() => decodeCursor('%%%not-base64', ['domain'])).toThrow(/cursor/);
  });
});
