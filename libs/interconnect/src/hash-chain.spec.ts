import { createHash } from 'node:crypto';
import { ChainEntry, GENESIS_HASH, chainHash, verifyChain } from './hash-chain.js';

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
