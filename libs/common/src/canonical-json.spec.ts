import { canonicalJson } from './canonical-json.js';

describe(canonicalJson.name, () => {
  it('should serialise the RFC 8785 §3.2.2 example exactly', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],' +
        ' "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalJson(input)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
  });

  it('should sort members by UTF-16 code units as in RFC 8785 §3.2.3', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    expect(canonicalJson(input)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis",' +
        '"\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
  });

  it('should give the same text whatever the member order and nesting', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: 1 }], a: 'x' })).toBe(canonicalJson({ a: 'x', b: [1, { x: 1, y: 2 }] }));
    expect(canonicalJson({ b: [1, { y: 2, x: 1 }], a: 'x' })).toBe('{"a":"x","b":[1,{"x":1,"y":2}]}');
  });

  it('should honour toJSON and omit undefined members like JSON', () => {
    expect(canonicalJson({ at: new Date('2030-01-01T00:00:00Z'), gone: undefined, n: -0 })).toBe(
      '{"at":"2030-01-01T00:00:00.000Z","n":0}',
    );
  });

  it.each([
    ['a non-finite number', { n: Number.NaN }],
    ['a bigint', { n: 1n }],
    ['undefined in an array', [undefined]],
    ['a lone surrogate', { s: '\ud800' }],
  ])('should refuse %s', (_label, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('should follow RFC 8785 for keys and numbers', () => {
    expect(canonicalJson({ b: [1, 'x', true, null], a: { d: 1e21, c: 0.000001 }, '\u20ac': 1, '\r': 2 })).toBe(
      '{"\\r":2,"a":{"c":0.000001,"d":1e+21},"b":[1,"x",true,null],"€":1}',
    );
  });
});
