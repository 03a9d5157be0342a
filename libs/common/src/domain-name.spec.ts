import { InvalidInputError } from './domain-errors.js';
import { normalizeDomain } from './domain-name.js';

describe('normalizeDomain', () => {
  it('should lower-case and strip a trailing dot', () => {
    expect(normalizeDomain('A.Example.COM.')).toBe('a.example.com');
  });

  it('should convert an internationalised name to its A-label form', () => {
    expect(normalizeDomain('Bücher.example')).toBe('xn--bcher-kva.example');
  });

  it.each([
    ['localhost', 'not fully qualified'],
    ['bad_domain.example', 'invalid label'],
    ['-lead.example.com', 'invalid label'],
    ['a..example.com', 'invalid label'],
    ['a.example.c0m', 'invalid top-level label'],
    ['http://a.example.com', 'is not a domain name'],
    ['a b.example.com', 'is not a domain name'],
    [`${'a'.repeat(64)}.example.com`, 'invalid label'],
    ['', 'non-empty'],
  ])('should reject %p', (input, reason) => {
    try {
      normalizeDomain(input);
      throw new Error('expected a rejection');
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).invalidParams[0].name).toBe('domain');
      expect((error as InvalidInputError).invalidParams[0].reason).toContain(reason);
    }
  });

  it('should name the field it was given', () => {
    expect(() => normalizeDomain('nope', 'peer')).toThrow(/^peer:/);
  });
});
