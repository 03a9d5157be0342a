import { matchesIfNoneMatch, negotiateFormat } from './content-negotiation.js';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'xml'],
    ['*/*', 'xml'],
    ['application/pres-im-provisioning+xml', 'xml'],
    ['application/json', 'json'],
    ['application/pres-im-provisioning+json', 'json'],
    ['application/xml;q=0.5, application/json', 'json'],
    ['application/json;q=0, */*', 'xml'],
    ['text/html', null],
  ])('should choose %p → %p', (accept, format) => {
    expect(negotiateFormat(accept)).toBe(format);
  });
});

describe('matchesIfNoneMatch', () => {
  it('should match strong, weak, listed and wildcard tags', () => {
    expect(matchesIfNoneMatch('"abc"', '"abc"')).toBe(true);
    expect(matchesIfNoneMatch('W/"abc"', '"abc"')).toBe(true);
    expect(matchesIfNoneMatch('"x", "abc"', '"abc"')).toBe(true);
    expect(matchesIfNoneMatch('*', '"abc"')).toBe(true);
    expect(matchesIfNoneMatch('"abd"', '"abc"')).toBe(false);
    expect(matchesIfNoneMatch(undefined, '"abc"')).toBe(false);
  });
});
