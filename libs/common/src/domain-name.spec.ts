import { InvalidInputError } from './domain-errors.js';
import { isDomainOrSubdomain, normalizeDomain } from './domain-name.js';

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
    ['a\uD800b.example.com', 'unpaired UTF-16 surrogate'],
    ['\uDC00.example.com', 'unpaired UTF-16 surrogate'],
    // a Cyrillic 'а' (U+0430) in a Latin label, typed or already in A-label form
    ['p\u0430ypal.com', 'mixes scripts'],
    ['xn--pypal-4ve.com', 'mixes scripts'],
    // Greek omicron among Latin letters
    ['g\u03BFogle.com', 'mixes scripts'],
    // Latin with Cyrillic and Greek together
    ['\u0430\u03B2c.example', 'mixes scripts'],
    // all-Cyrillic letters that look like "apple" under a Latin TLD
    ['\u0430\u0440\u0440\u04CF\u0435.com', 'whole-script confusable'],
    ['xn--80ak6aa92e.com', 'whole-script confusable'],
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

  it.each([
    ['пример.example', 'xn--e1afmkfd.example'],
    ['例え.jp', 'xn--r8jz45g.jp'],
    // Latin with Han and Katakana is one of UTS #39's allowed combinations
    ['abcカタカナ漢字.jp', 'xn--abc-mj4ba3j6c3996b6htb.jp'],
    ['한국어.kr', 'xn--3e0bk47br7k.kr'],
    // the Cyrillic lookalikes are accepted under a Cyrillic TLD
    ['\u0430\u0440\u0440\u04CF\u0435.\u0440\u0444', 'xn--80ak6aa92e.xn--p1ai'],
    ['straße.de', 'xn--strae-oqa.de'],
    ['123-bücher.example', 'xn--123-bcher-u9a.example'],
  ])('should accept the single-script label %p', (input, ascii) => {
    expect(normalizeDomain(input)).toBe(ascii);
  });

  it('should name the field it was given', () => {
    expect(() => normalizeDomain('nope', 'peer')).toThrow(/^peer:/);
  });
});

describe('isDomainOrSubdomain', () => {
  it('should match the domain itself and its subdomains only', () => {
    expect(isDomainOrSubdomain('hub.example.net', 'hub.example.net')).toBe(true);
    expect(isDomainOrSubdomain('a.b.hub.example.net', 'hub.example.net')).toBe(true);
    expect(isDomainOrSubdomain('myhub.example.net', 'hub.example.net')).toBe(false);
    expect(isDomainOrSubdomain('example.net', 'hub.example.net')).toBe(false);
  });
});
