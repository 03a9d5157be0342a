import { createHash } from 'node:crypto';
import { ChainEntry, GENESIS_HASH, canonicalJson, chainHash, verifyChain } from './hash-chain.js';

function buildChain(entries: unknown[], firstSeq = 1): ChainEntry[] {
  const chain: ChainEntry[] = [];
  let prevHash = GENESIS_HASH;
  entries.forEach((entry, i) => {
    const hash = chainHash(prevHash, entry);
    chain.push({ seq: firstSeq + i * 2, prevHash, hash, entry }); // gaps in seq, as a database sequence has
    prevHash = hash;
  });
  return chain;
}

const ENTRIES = [
  { kind: 'peering.offered', subjects: ['a.example.com', 'b.example.org'], entry: { services: ['im'] } },
  { kind: 'peering.accepted', subjects: ['a.example.com', 'b.example.org'], entry: { services: ['im'] } },
  { kind: 'block.member.added', subjects: ['c.example.net', 'a.example.com'], entry: { reason: null } },
  { kind: 'federation.mode', subjects: [], entry: { previous: 'open', mode: 'agreement' } },
];

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
});

describe(chainHash.name, () => {
  it('should be the hex SHA-256 of prevHash followed by the canonical entry', () => {
    const entry = { b: 1, a: 'é' };
    const expected = createHash('sha256').update(`${GENESIS_HASH}{"a":"é","b":1}`, 'utf8').digest('hex');
    expect(chainHash(GENESIS_HASH, entry)).toBe(expected);
    expect(GENESIS_HASH).toMatch(/^0{64}$/);
  });

  it('should depend on the previous hash', () => {
    expect(chainHash(GENESIS_HASH, ENTRIES[0])).not.toBe(chainHash('f'.repeat(64), ENTRIES[0]));
  });
});

describe(verifyChain.name, () => {
  it('should accept an intact chain, an empty one, and a matching head', () => {
    const chain = buildChain(ENTRIES);
    expect(verifyChain(chain)).toEqual({ ok: true });
    expect(verifyChain([])).toEqual({ ok: true });
    expect(verifyChain(chain, { head: { seq: 7, hash: chain[3].hash } })).toEqual({ ok: true });
  });

  it('should detect an altered entry', () => {
    const chain = buildChain(ENTRIES);
    chain[1] = { ...chain[1], entry: { ...ENTRIES[1], entry: { services: ['im', 'presence'] } } };
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAt: 3, reason: 'hash-mismatch' });
  });

  it('should detect an altered entry whose hash was recomputed at the next link', () => {
    const chain = buildChain(ENTRIES);
    const entry = { ...ENTRIES[1], kind: 'peering.rejected' };
    chain[1] = { ...chain[1], entry, hash: chainHash(chain[1].prevHash, entry) };
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAt: 5, reason: 'prev-hash-mismatch' });
  });

  it('should detect a removed entry', () => {
    const chain = buildChain(ENTRIES);
    chain.splice(2, 1);
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAt: 7, reason: 'prev-hash-mismatch' });
  });

  it('should detect a removed first entry', () => {
    expect(verifyChain(buildChain(ENTRIES).slice(1))).toMatchObject({ ok: false, brokenAt: 3, reason: 'prev-hash-mismatch' });
  });

  it('should detect a removed last entry only against a known head', () => {
    const chain = buildChain(ENTRIES);
    const head = { seq: 7, hash: chain[3].hash };
    expect(verifyChain(chain.slice(0, 3))).toEqual({ ok: true });
    expect(verifyChain(chain.slice(0, 3), { head })).toMatchObject({ ok: false, brokenAt: 7, reason: 'head-mismatch' });
  });

  it('should detect reordered entries', () => {
    const chain = buildChain(ENTRIES);
    [chain[1], chain[2]] = [chain[2], chain[1]];
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAt: 5, reason: 'prev-hash-mismatch' });
  });

  it('should detect reordered entries even when renumbered', () => {
    const chain = buildChain(ENTRIES);
    [chain[1], chain[2]] = [
      { ...chain[2], seq: chain[1].seq },
      { ...chain[1], seq: chain[2].seq },
    ];
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAt: 3, reason: 'prev-hash-mismatch' });
  });

  it('should detect a sequence number that does not increase', () => {
    const chain = buildChain(ENTRIES);
    chain[2] = { ...chain[2], seq: chain[1].seq };
    expect(verifyChain(chain)).toMatchObject({ ok: false, brokenAt: 3, reason: 'seq-not-increasing' });
  });

  it('should verify a segment from a trusted checkpoint', () => {
    const chain = buildChain(ENTRIES);
    expect(verifyChain(chain.slice(2), { initialHash: chain[1].hash })).toEqual({ ok: true });
  });
});
