import {
  exceedsJsonDepth,
  LONE_SURROGATE_REASON,
  MAX_JSON_DEPTH,
  NUL_REASON,
  parseSafeInteger,
  parseSaneDate,
  unstorableTextParams,
} from './input-checks.js';

describe('unstorableTextParams', () => {
  it('should name every string and key that carries U+0000, however deep', () => {
    const value = { a: 'ok', b: ['x', 'y\u0000'], c: { 'k\u0000': 1, d: { e: '\u0000' } } };
    expect(
      unstorableTextParams(value)
        .map((p) => p.name)
        .sort(),
    ).toEqual(['b[1]', 'c.d.e', 'c.k\u0000']);
    expect(unstorableTextParams('a\u0000', 'since')).toEqual([{ name: 'since', reason: NUL_REASON }]);
    expect(unstorableTextParams({ a: 'clean', n: 1, z: null })).toEqual([]);
  });

  it('should name every string and key with an unpaired surrogate, and let paired ones through', () => {
    const value = { reason: 'x\ud800', list: ['\udc00y'], ['k\ud83d']: 1, emoji: '\ud83d\ude00' };
    const found = unstorableTextParams(value);
    expect(found).toHaveLength(3);
    expect(found).toEqual(
      expect.arrayContaining([
        { name: 'reason', reason: LONE_SURROGATE_REASON },
        { name: 'list[0]', reason: LONE_SURROGATE_REASON },
        { name: 'k\ud83d', reason: LONE_SURROGATE_REASON },
      ]),
    );
  });

  it('should walk a deeply nested value without recursion', () => {
    let value: unknown = 'x\u0000';
    for (let i = 0; i < 100_000; i++) value = [value];
    expect(unstorableTextParams(value)).toHaveLength(1);
  });
});

describe('parseSaneDate', () => {
  it.each(['2026-12-01', '2026-12-01T10:00:00Z', '2026-12-01T10:00:00.123+01:00', '1970-01-01T00:00:00Z', '9999-12-31'])(
    'should accept %s',
    (text) => {
      expect(parseSaneDate(text)?.getTime()).toBe(new Date(text).getTime());
    },
  );

  it.each([
    '0000-01-01',
    '-271821-04-20T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '1969-12-31T23:59:59Z',
    '2026-02-30',
    '2026-13-01',
    '2026-12-01T24:00:00Z',
    'garbage',
    '',
    '1',
    '2026-12-01\u0000',
  ])('should refuse %j', (text) => {
    expect(parseSaneDate(text)).toBeUndefined();
  });

  it('should refuse what is not text', () => {
    expect(parseSaneDate(0)).toBeUndefined();
    expect(parseSaneDate(null)).toBeUndefined();
  });
});

describe('parseSafeInteger', () => {
  it('should accept whole numbers in range, as text or numbers', () => {
    expect(parseSafeInteger('42')).toBe(42);
    expect(parseSafeInteger(7, 1, 10)).toBe(7);
    expect(parseSafeInteger('0')).toBe(0);
  });

  it.each(['abc', '1.5', '-1', '99999999999999999999', '1e400', 'NaN', '0x10', '', ' 1', 1.5, Infinity, Number.NaN])(
    'should refuse %j',
    (value) => {
      expect(parseSafeInteger(value)).toBeUndefined();
    },
  );

  it('should refuse values outside [min, max]', () => {
    expect(parseSafeInteger('11', 1, 10)).toBeUndefined();
    expect(parseSafeInteger('0', 1, 10)).toBeUndefined();
  });
});

describe('exceedsJsonDepth', () => {
  it('should allow nesting up to the limit', () => {
    expect(exceedsJsonDepth('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBe(false);
    expect(exceedsJsonDepth('{"a":[{"b":[1,2,{"c":"d"}]}]}')).toBe(false);
  });

  it('should refuse nesting beyond the limit, also 400,000 levels', () => {
    expect(exceedsJsonDepth('['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(exceedsJsonDepth('{"a":'.repeat(400_000))).toBe(true);
  });

  it('should not count brackets inside strings, escaped quotes included', () => {
    const brackets = JSON.stringify({ s: '['.repeat(1000) + '\\"{{{' + '"'.repeat(10) });
    expect(exceedsJsonDepth(brackets)).toBe(false);
    expect(exceedsJsonDepth(JSON.stringify(['\\', '[[[[']))).toBe(false);
  });
});
